#pragma once
// Names the plugin when one crashes the host while the host is inside it.
// A signal cannot be survived, but it must not be silent: while a guard is
// alive, SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT first write one line to
// stderr ("plugin file /x/y.so crashed with signal 11 (SIGSEGV) during init")
// and then take their default action, so the exit status still tells the
// supervisor what happened.
//
// Guards are for the loader's main-thread calls (load, init, start, stop,
// destroy); they do not nest and are not meant for hot paths.

#include <string>

namespace dynop::host {

class CrashReporter {
 public:
  CrashReporter(const std::string& file, const char* phase);
  ~CrashReporter();
  CrashReporter(const CrashReporter&) = delete;
  CrashReporter& operator=(const CrashReporter&) = delete;
};

}  // namespace dynop::host
