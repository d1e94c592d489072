#pragma once
// What a work queue reports, as client-go's workqueue MetricsProvider does.
// The queue calls these under its own lock, so implementations must be quick
// and must not call back into the queue. make_queue_metrics() (in
// registry_queue_metrics.hpp) exports them through dynop::metrics::Registry.

#include "lib/clock/clock.hpp"

namespace dynop::workqueue {

class QueueMetrics {
 public:
  virtual ~QueueMetrics() = default;
  virtual void on_add() {}                       // an item was accepted (not a duplicate)
  virtual void on_depth(long long /*depth*/) {}  // items ready to be handed out
  virtual void on_retry() {}                     // add_rate_limited was called
  virtual void on_queue_wait(clock::Duration /*waited*/) {}  // from add to get
  virtual void on_work(clock::Duration /*took*/) {}          // from get to done
};

}  // namespace dynop::workqueue
