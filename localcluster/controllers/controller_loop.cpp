#include "localcluster/controllers/controller_loop.hpp"

namespace dynop::localcluster::controllers {

ControllerLoop::ControllerLoop(storage::ObjectStore& store, storage::Selection selection,
                               EventFn on_event, TickFn on_tick, std::chrono::milliseconds tick)
    : store_(store),
      selection_(std::move(selection)),
      on_event_(std::move(on_event)),
      on_tick_(std::move(on_tick)),
      tick_(tick) {}

ControllerLoop::~ControllerLoop() { stop(); }

void ControllerLoop::start() {
  channel_ = store_.watch(selection_, std::nullopt).channel;
  thread_ = std::thread([this] { run(); });
}

void ControllerLoop::stop() {
  stopping_ = true;
  if (channel_) channel_->close();
  if (thread_.joinable()) thread_.join();
}

void ControllerLoop::run() {
  std::vector<storage::WatchEvent> events;
  auto last_tick = std::chrono::steady_clock::now();
  while (!stopping_) {
    events.clear();
    bool open = channel_->wait_pop(events, tick_);
    for (const auto& event : events) {
      if (stopping_) return;
      on_event_(event);
    }
    auto now = std::chrono::steady_clock::now();
    if (on_tick_ && now - last_tick >= tick_) {
      last_tick = now;
      on_tick_();
    }
    if (!open && !stopping_) {
      // Overflowed (a burst larger than the queue): start again from the
      // current state, which is what a relisting client does.
      channel_ = store_.watch(selection_, std::nullopt).channel;
    }
  }
}

}  // namespace dynop::localcluster::controllers
