#include "localcluster/faults/lifecycle.hpp"

namespace dynop::localcluster::faults {

// Both notify under the lock: the waiter may destroy this object as soon as
// it returns, and the signal thread that asks for a stop must not touch it
// after that.
void Lifecycle::request_stop() {
  std::lock_guard lock(mutex_);
  stop_ = true;
  cv_.notify_all();
}

void Lifecycle::request_restart() {
  std::lock_guard lock(mutex_);
  restart_ = true;
  cv_.notify_all();
}

Lifecycle::Event Lifecycle::wait() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return stop_ || restart_; });
  if (stop_) return Event::kStop;
  restart_ = false;
  return Event::kRestart;
}

}  // namespace dynop::localcluster::faults
