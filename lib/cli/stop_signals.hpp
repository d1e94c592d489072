#pragma once
// How every dynop executable stops: SIGTERM and SIGINT are blocked before any
// thread starts (threads inherit the mask), so they are taken only by
// sigwait() in the thread that waits for them; SIGPIPE is ignored (a client
// that goes away mid-write must not kill the process).
//
//   int main(...) {
//     const sigset_t stop = dynop::cli::block_stop_signals();
//     ... start threads ...
//     int received = dynop::cli::wait_for_signal(stop);   // SIGTERM or SIGINT
//   }

#include <signal.h>

#include <string>

namespace dynop::cli {

// Blocks SIGTERM and SIGINT in the calling thread, ignores SIGPIPE, and
// returns the blocked set for wait_for_signal.
sigset_t block_stop_signals();

// Waits for one of `signals` (blocked in every thread) and returns it.
int wait_for_signal(const sigset_t& signals);

// "SIGTERM", "SIGINT", "SIGUSR1"... ("signal N" for a number glibc does not
// name): for the "received ..., shutting down" log line.
std::string signal_name(int signal);

}  // namespace dynop::cli
