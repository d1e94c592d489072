#pragma once
// The queue between the store (producer, under its write lock) and one watch
// connection (consumer). The producer never blocks: a consumer that falls
// more than `max_pending` events behind is closed with `overflowed()` set, and
// its client relists, as with kube-apiserver's watch cache.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "localcluster/storage/selection.hpp"
#include "localcluster/storage/stored_object.hpp"

namespace dynop::localcluster::storage {

class WatchChannel {
 public:
  WatchChannel(Selection selection, std::size_t max_pending)
      : selection_(std::move(selection)), max_pending_(max_pending) {}

  const Selection& selection() const { return selection_; }

  // Producer side.
  void push(WatchEvent event);
  void close();

  // Consumer side: waits up to `timeout` for events; moves them into `out`.
  // Returns false once the channel is closed and drained.
  bool wait_pop(std::vector<WatchEvent>& out, std::chrono::milliseconds timeout);
  bool closed() const;
  bool overflowed() const;

 private:
  Selection selection_;
  std::size_t max_pending_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<WatchEvent> pending_;
  bool closed_ = false;
  bool overflowed_ = false;
};

}  // namespace dynop::localcluster::storage
