// Work queue throughput and no-op reconciles per second per core.
// Goal (design.md): >= 20,000 no-op reconciles per second per core.

#include <benchmark/benchmark.h>

#include <atomic>
#include <string>
#include <vector>

#include "lib/controller/controller.hpp"
#include "lib/metrics/registry.hpp"

namespace {

using dynop::controller::Controller;
using dynop::controller::ControllerOptions;
using dynop::controller::Reconciler;
using dynop::controller::ReconcileResult;
using dynop::controller::Request;
using dynop::controller::RequestQueue;

std::vector<Request> keys(int count) {
  std::vector<Request> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) out.push_back(Request{"dynamo", "pod-" + std::to_string(i)});
  return out;
}

// add + get + done of distinct keys on one thread: the queue's own cost.
void BM_WorkQueueAddGetDone(benchmark::State& state) {
  const auto requests = keys(10000);
  RequestQueue queue;
  std::size_t ops = 0;
  for (auto _ : state) {
    for (const Request& r : requests) queue.add(r);
    for (std::size_t i = 0; i < requests.size(); ++i) {
      auto item = queue.get();
      queue.done(*item);
    }
    ops += requests.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(ops));
}
BENCHMARK(BM_WorkQueueAddGetDone)->Unit(benchmark::kMillisecond);

// Duplicate adds of keys already queued (what an event storm looks like).
void BM_WorkQueueDuplicateAdds(benchmark::State& state) {
  const auto requests = keys(1000);
  RequestQueue queue;
  for (const Request& r : requests) queue.add(r);
  std::size_t ops = 0;
  for (auto _ : state) {
    for (const Request& r : requests) queue.add(r);
    ops += requests.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(ops));
}
BENCHMARK(BM_WorkQueueDuplicateAdds)->Unit(benchmark::kMillisecond);

struct NoOp : Reconciler {
  std::atomic<long> calls{0};
  ReconcileResult reconcile(const Request&) override {
    ++calls;
    return ReconcileResult::done();
  }
};

// The whole controller path for a reconcile that does nothing: queue, worker
// wake-up, rate limiter forget, metrics. One worker = one core.
void BM_NoOpReconciles(benchmark::State& state) {
  const auto requests = keys(20000);
  dynop::metrics::Registry registry;
  std::size_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    NoOp reconciler;
    ControllerOptions options;
    options.name = "bench";
    options.workers = static_cast<int>(state.range(0));
    options.metrics = &registry;
    Controller controller(options, reconciler);
    state.ResumeTiming();
    controller.start();
    for (const Request& r : requests) controller.queue().add(r);
    while (reconciler.calls.load() < static_cast<long>(requests.size())) {
    }
    controller.stop();
    total += requests.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(total));
}
BENCHMARK(BM_NoOpReconciles)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
