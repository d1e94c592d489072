// The informer's hot path on the shared realistic pod watch events (~4.2 KB
// each), one core, bytes and events per second of watch-event input:
// - decode only: parse the event, drop managedFields (and project), read the
//   labels and owners, build the CachedObject; nothing is stored;
// - cache insert: the same plus the index keys and the store (Indexer upsert
//   into the namespace and owner indexes), i.e. what one watch event costs
//   the cache end to end: new pods into an empty store, and modified pods
//   replacing cached ones.
// Freeing is not alike: decode only frees each object as it goes (timed),
// cache insert of new pods frees them with the store between passes
// (untimed), and a modified pod frees the one it replaces (timed).
// Each for whole objects and for the fields the dgd and dgdsa plugins ask to
// cache of pods (plugins/common observed_pod_fields).
// Goal (design.md): >= 1 GB/s per core.

#include <benchmark/benchmark.h>

#include "bench/runtime/bench_data.hpp"
#include "lib/kube/cache/indexer.hpp"
#include "lib/kube/cache/object_decoder.hpp"
#include "plugins/common/pod_groups.hpp"

namespace {

using dynop::kube::Indexer;
using dynop::kube::ObjectDecoder;
using dynop::kube::Projection;

const std::vector<std::string>& events() {
  static const std::vector<std::string> lines = dynop::bench::load_pod_events();
  return lines;
}

std::shared_ptr<const Projection> dgd_pod_fields() {
  return std::make_shared<Projection>(
      Projection::of_fields(dynop::plugins::common::observed_pod_fields()));
}

void finish(benchmark::State& state, std::size_t passes) {
  std::size_t bytes = 0;
  for (const std::string& line : events()) bytes += line.size();
  state.SetBytesProcessed(static_cast<int64_t>(bytes * passes));
  state.SetItemsProcessed(static_cast<int64_t>(events().size() * passes));
}

// Decodes every event once, handing each decoded object to `use`; false
// (the benchmark skipped with the error) when an event does not decode.
template <class Use>
bool decode_events(benchmark::State& state, ObjectDecoder& decoder, Use&& use) {
  for (const std::string& line : events()) {
    auto event = decoder.decode_event(line);
    if (!event) {
      state.SkipWithError(event.error().describe().c_str());
      return false;
    }
    use(std::move(event->object));
  }
  return true;
}

void decode_only(benchmark::State& state, std::shared_ptr<const Projection> projection) {
  ObjectDecoder decoder(std::move(projection), "v1", "Pod");
  std::size_t passes = 0;
  for (auto _ : state) {
    if (!decode_events(state, decoder, [](auto object) { benchmark::DoNotOptimize(object); }))
      return;
    ++passes;
  }
  finish(state, passes);
}

// `replace`: the store keeps the pods between passes, so every event after
// the first pass replaces a cached pod (MODIFIED); otherwise each pass
// inserts into an empty store (ADDED), whose teardown is not timed.
void cache_insert(benchmark::State& state, std::shared_ptr<const Projection> projection,
                  bool replace) {
  ObjectDecoder decoder(std::move(projection), "v1", "Pod");
  auto store = std::make_unique<Indexer>();
  std::size_t passes = 0;
  for (auto _ : state) {
    if (!decode_events(state, decoder, [&](auto object) { store->upsert(std::move(object)); }))
      return;
    ++passes;
    if (!replace) {
      state.PauseTiming();
      store = std::make_unique<Indexer>();
      state.ResumeTiming();
    }
  }
  finish(state, passes);
}

void BM_DecodeOnly_FullPods(benchmark::State& state) { decode_only(state, nullptr); }
void BM_DecodeOnly_DgdPodFields(benchmark::State& state) { decode_only(state, dgd_pod_fields()); }
void BM_CacheInsert_NewFullPods(benchmark::State& state) { cache_insert(state, nullptr, false); }
void BM_CacheInsert_NewDgdPodFields(benchmark::State& state) {
  cache_insert(state, dgd_pod_fields(), false);
}
void BM_CacheInsert_ModifiedFullPods(benchmark::State& state) {
  cache_insert(state, nullptr, true);
}
void BM_CacheInsert_ModifiedDgdPodFields(benchmark::State& state) {
  cache_insert(state, dgd_pod_fields(), true);
}

BENCHMARK(BM_DecodeOnly_FullPods)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeOnly_DgdPodFields)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CacheInsert_NewFullPods)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CacheInsert_NewDgdPodFields)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CacheInsert_ModifiedFullPods)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CacheInsert_ModifiedDgdPodFields)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
