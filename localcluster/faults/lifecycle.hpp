#pragma once
// What the main thread of dynop-localcluster waits for between serving and
// tearing down: a stop (SIGTERM/SIGINT) or a restart in place
// (POST /admin/restart). Requests from any thread; a stop wins over a
// restart, and restarts asked for while one is pending are one restart.

#include <condition_variable>
#include <mutex>

namespace dynop::localcluster::faults {

class Lifecycle {
 public:
  enum class Event { kStop, kRestart };

  void request_stop();
  void request_restart();

  // Blocks until a stop or restart is asked for; a restart is consumed, a
  // stop stays (every later wait returns kStop).
  Event wait();

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool restart_ = false;
};

}  // namespace dynop::localcluster::faults
