#include "lib/workqueue/registry_queue_metrics.hpp"

#include "lib/metrics/registry.hpp"

namespace dynop::workqueue {
namespace {

double seconds(clock::Duration d) { return std::chrono::duration<double>(d).count(); }

class RegistryQueueMetrics final : public QueueMetrics {
 public:
  RegistryQueueMetrics(metrics::Registry& registry, const std::string& name) {
    const metrics::Labels labels{{"name", name}};
    // 1 us to ~ 17 min: covers both no-op reconciles and long backoffs.
    const auto buckets = metrics::exponential_buckets(1e-6, 4, 16);
    depth_ = &registry.gauge("workqueue_depth", "Current depth of the work queue.").with(labels);
    adds_ =
        &registry.counter("workqueue_adds_total", "Items added to the work queue.").with(labels);
    retries_ =
        &registry.counter("workqueue_retries_total", "Rate-limited retries of items.").with(labels);
    wait_ =
        &registry
             .histogram("workqueue_queue_duration_seconds",
                        "How long an item waits in the queue before a worker takes it.", buckets)
             .with(labels);
    work_ = &registry
                 .histogram("workqueue_work_duration_seconds",
                            "How long a worker takes to process an item.", buckets)
                 .with(labels);
  }
  void on_add() override { adds_->Increment(); }
  void on_depth(long long depth) override { depth_->Set(static_cast<double>(depth)); }
  void on_retry() override { retries_->Increment(); }
  void on_queue_wait(clock::Duration waited) override { wait_->Observe(seconds(waited)); }
  void on_work(clock::Duration took) override { work_->Observe(seconds(took)); }

 private:
  metrics::Gauge* depth_;
  metrics::Counter* adds_;
  metrics::Counter* retries_;
  metrics::Histogram* wait_;
  metrics::Histogram* work_;
};

}  // namespace

std::unique_ptr<QueueMetrics> make_queue_metrics(metrics::Registry& registry,
                                                 const std::string& queue_name) {
  return std::make_unique<RegistryQueueMetrics>(registry, queue_name);
}

}  // namespace dynop::workqueue
