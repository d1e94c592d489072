#include "localcluster/storage/watch_channel.hpp"

namespace dynop::localcluster::storage {

void WatchChannel::push(WatchEvent event) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    if (pending_.size() >= max_pending_) {
      overflowed_ = true;
      closed_ = true;
      pending_.clear();
    } else {
      pending_.push_back(std::move(event));
    }
  }
  cv_.notify_one();
}

void WatchChannel::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  cv_.notify_all();
}

bool WatchChannel::wait_pop(std::vector<WatchEvent>& out, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [this] { return closed_ || !pending_.empty(); });
  while (!pending_.empty()) {
    out.push_back(std::move(pending_.front()));
    pending_.pop_front();
  }
  return !(closed_ && out.empty());
}

bool WatchChannel::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

bool WatchChannel::overflowed() const {
  std::lock_guard lock(mutex_);
  return overflowed_;
}

}  // namespace dynop::localcluster::storage
