#pragma once
// The skeleton every in-process controller shares: a thread that watches the
// store (from its current state, so restarts see existing objects) and calls
// `on_event` per change, plus `on_tick` about every `tick` for work that waits
// on other objects (finalizers, namespaces emptying).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::controllers {

class ControllerLoop {
 public:
  using EventFn = std::function<void(const storage::WatchEvent&)>;
  using TickFn = std::function<void()>;

  ControllerLoop(storage::ObjectStore& store, storage::Selection selection, EventFn on_event,
                 TickFn on_tick = {}, std::chrono::milliseconds tick = std::chrono::milliseconds(200));
  ~ControllerLoop();
  ControllerLoop(const ControllerLoop&) = delete;
  ControllerLoop& operator=(const ControllerLoop&) = delete;

  void start();
  void stop();

 private:
  void run();

  storage::ObjectStore& store_;
  storage::Selection selection_;
  EventFn on_event_;
  TickFn on_tick_;
  std::chrono::milliseconds tick_;
  std::atomic<bool> stopping_{false};
  std::shared_ptr<storage::WatchChannel> channel_;
  std::thread thread_;
};

}  // namespace dynop::localcluster::controllers
