#include "lib/cli/stop_signals.hpp"

#include <pthread.h>
#include <string.h>  // sigabbrev_np

namespace dynop::cli {

sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return signals;
}

int wait_for_signal(const sigset_t& signals) {
  for (;;) {
    int received = 0;
    if (sigwait(&signals, &received) == 0) return received;
  }
}

std::string signal_name(int signal) {
  const char* abbreviation = sigabbrev_np(signal);  // "TERM", glibc's own table
  return abbreviation != nullptr ? std::string("SIG") + abbreviation
                                 : "signal " + std::to_string(signal);
}

}  // namespace dynop::cli
