// Watch decode throughput on realistic pod events: bytes and events per
// second on one core, full objects (minus managedFields) and with the
// default pod projection. Goal (design.md): >= 1 GB/s per core.

#include <benchmark/benchmark.h>

#include "bench/runtime/bench_data.hpp"
#include "lib/kube/cache/object_decoder.hpp"

namespace {

using dynop::kube::ObjectDecoder;
using dynop::kube::Projection;

const std::vector<std::string>& events() {
  static const std::vector<std::string> lines = dynop::bench::load_pod_events();
  return lines;
}

void decode(benchmark::State& state, std::shared_ptr<const Projection> projection) {
  const auto& lines = events();
  ObjectDecoder decoder(std::move(projection), "v1", "Pod");
  std::size_t bytes = 0;
  std::size_t count = 0;
  for (auto _ : state) {
    for (const std::string& line : lines) {
      auto event = decoder.decode_event(line);
      if (!event) {
        state.SkipWithError(event.error().describe().c_str());
        return;
      }
      benchmark::DoNotOptimize(event->object);
      bytes += line.size();
      ++count;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(count));
}

void BM_WatchDecodeFullObject(benchmark::State& state) { decode(state, nullptr); }
void BM_WatchDecodeDefaultPodProjection(benchmark::State& state) {
  decode(state, std::make_shared<Projection>(Projection::default_pod()));
}

BENCHMARK(BM_WatchDecodeFullObject)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WatchDecodeDefaultPodProjection)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
