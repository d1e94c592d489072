#include "localcluster/storage/watch_channel.hpp"

#include <algorithm>
#include <thread>

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
  const auto since = std::chrono::steady_clock::now() - last_batch_;
  if (since < batch_gap_) {
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(batch_gap_ - since, timeout));
  }
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [this] { return closed_ || !pending_.empty(); });
  const std::size_t before = out.size();
  while (!pending_.empty()) {
    out.push_back(std::move(pending_.front()));
    pending_.pop_front();
  }
  if (out.size() > before) last_batch_ = std::chrono::steady_clock::now();
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
