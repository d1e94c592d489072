// JSON decode throughput (lib/apimachinery/json_decode.hpp) on the shared
// realistic pod watch events, one core: simdjson parse only (the zero-copy
// view), parse + conversion of the whole event line to a mutable Boost.JSON
// document, and boost::json::parse for comparison. (The host's own watch
// decoder into its cache is measured in bench/runtime/watch_decode_bench.) Also label-selector
// matching per object. Goal (design.md): >= 1 GB/s watch decode per core.

#include <benchmark/benchmark.h>

#include <boost/json/parse.hpp>

#include "bench/runtime/bench_data.hpp"
#include "lib/apimachinery/json_decode.hpp"
#include "lib/apimachinery/label_selector.hpp"
#include "lib/apimachinery/object_meta.hpp"

namespace {

using namespace dynop::apimachinery;

const std::vector<std::string>& events() {
  static const std::vector<std::string> lines = dynop::bench::load_pod_events();
  return lines;
}

template <class Fn>
void run(benchmark::State& state, Fn&& fn) {
  const auto& lines = events();
  std::size_t bytes = 0;
  std::size_t count = 0;
  for (auto _ : state) {
    for (const std::string& line : lines) {
      if (!fn(line)) {
        state.SkipWithError("decode failed");
        return;
      }
      bytes += line.size();
      ++count;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(count));
}

void BM_SimdjsonParseView(benchmark::State& state) {
  JsonDecoder decoder;
  run(state, [&](const std::string& line) {
    auto e = decoder.parse_view(line);
    if (!e) return false;
    benchmark::DoNotOptimize(*e);
    return true;
  });
}

void BM_DecodeToBoostJson(benchmark::State& state) {
  JsonDecoder decoder;
  run(state, [&](const std::string& line) {
    auto event = decoder.decode(line);
    if (!event) return false;
    benchmark::DoNotOptimize(*event);
    return true;
  });
}

void BM_BoostJsonParse(benchmark::State& state) {
  run(state, [&](const std::string& line) {
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    benchmark::DoNotOptimize(v);
    return !ec;
  });
}

void BM_LabelSelectorMatch(benchmark::State& state) {
  std::vector<boost::json::object> pods;
  for (const auto& line : events()) {
    auto event = decode_json(line);
    if (!event || !event->is_object()) continue;
    if (const auto* object = event->get_object().if_contains("object");
        object && object->is_object()) {
      pods.push_back(object->get_object());
    }
  }
  auto sel = LabelSelector::parse("app in (web,decode),tier!=canary,!skip").value();
  std::size_t matched = 0;
  for (auto _ : state) {
    for (const auto& pod : pods) matched += sel.matches(labels(pod)) ? 1 : 0;
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * pods.size()));
}

BENCHMARK(BM_SimdjsonParseView)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeToBoostJson)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BoostJsonParse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LabelSelectorMatch)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
