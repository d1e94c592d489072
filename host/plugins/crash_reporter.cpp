#include "host/plugins/crash_reporter.hpp"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <array>
#include <cstddef>

namespace dynop::host {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

// Filled before the guarded call, read by the handler: no allocation there.
std::array<char, 1024> g_prefix{};
std::size_t g_prefix_len = 0;
std::array<char, 64> g_phase{};
std::size_t g_phase_len = 0;
struct sigaction g_previous[std::size(kSignals)];

void write_all(const char* data, std::size_t len) {
  while (len > 0) {
    ssize_t n = ::write(STDERR_FILENO, data, len);
    if (n <= 0) return;
    data += n;
    len -= static_cast<std::size_t>(n);
  }
}

const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGILL:
      return "SIGILL";
    case SIGABRT:
      return "SIGABRT";
  }
  return "signal";
}

void on_crash(int sig) {
  // Async-signal-safe only: write(2) and raise(3).
  char number[8];
  std::size_t n = 0;
  char digits[8];
  std::size_t d = 0;
  for (int v = sig; v > 0 && d < sizeof(digits); v /= 10)
    digits[d++] = static_cast<char>('0' + v % 10);
  while (d > 0) number[n++] = digits[--d];
  write_all(g_prefix.data(), g_prefix_len);
  write_all(number, n);
  write_all(" (", 2);
  const char* name = signal_name(sig);
  write_all(name, strlen(name));
  write_all(") during ", 9);
  write_all(g_phase.data(), g_phase_len);
  write_all("\n", 1);
  // SA_RESETHAND restored the default action: the signal now ends the process.
  raise(sig);
}

std::size_t copy(std::array<char, 1024>& to, const std::string& text) {
  const std::size_t len = text.size() < to.size() ? text.size() : to.size();
  memcpy(to.data(), text.data(), len);
  return len;
}

}  // namespace

CrashReporter::CrashReporter(const std::string& file, const char* phase) {
  g_prefix_len = copy(g_prefix, "plugin file " + file + " crashed the host with signal ");
  g_phase_len = strnlen(phase, g_phase.size());
  memcpy(g_phase.data(), phase, g_phase_len);
  struct sigaction action {};
  action.sa_handler = &on_crash;
  action.sa_flags = SA_RESETHAND | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < std::size(kSignals); ++i) {
    sigaction(kSignals[i], &action, &g_previous[i]);
  }
}

CrashReporter::~CrashReporter() {
  for (std::size_t i = 0; i < std::size(kSignals); ++i) {
    sigaction(kSignals[i], &g_previous[i], nullptr);
  }
}

}  // namespace dynop::host
