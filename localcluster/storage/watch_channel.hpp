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
  static constexpr std::chrono::milliseconds kBatchGap{2};

  WatchChannel(Selection selection, std::size_t max_pending,
               std::chrono::milliseconds batch_gap = kBatchGap)
      : selection_(std::move(selection)), max_pending_(max_pending), batch_gap_(batch_gap) {}

  const Selection& selection() const { return selection_; }

  // Producer side.
  void push(WatchEvent event);
  void close();

  // Consumer side: waits up to `timeout` for events; moves them into `out`.
  // Returns false once the channel is closed and drained.
  //
  // Batching: a call made within the batch gap of the last call that took events
  // first sleeps out the rest of that gap (never longer than `timeout`), so
  // the events arriving meanwhile are taken as one batch. While a watched
  // resource is busy, its consumer then wakes (and writes to its client) at
  // most once per gap instead of once per event, and the
  // producer, which runs under the store's write lock, seldom finds a sleeper
  // to wake. After a quiet spell the first event is taken at once.
  bool wait_pop(std::vector<WatchEvent>& out, std::chrono::milliseconds timeout);
  bool closed() const;
  bool overflowed() const;

 private:
  Selection selection_;
  std::size_t max_pending_;
  std::chrono::milliseconds batch_gap_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<WatchEvent> pending_;
  bool closed_ = false;
  bool overflowed_ = false;
  // When wait_pop last took events (consumer side only).
  std::chrono::steady_clock::time_point last_batch_{};
};

}  // namespace dynop::localcluster::storage
