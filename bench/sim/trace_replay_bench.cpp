// The load model replaying the whole Azure conversation trace (19,366
// requests, 58.4 minutes) on the shared H200 profile, as fast as it computes:
// a ManualClock advanced in steps of `tick` simulated seconds, as LoadSimulator's
// driver thread does every 20 ms of wall time. Reports simulated requests per
// CPU-second and the simulated-to-wall speed the model sustains (>= 100 means
// a 100x replay keeps up on one core). Metrics are updated (flushed into the
// pods' prometheus-cpp registries) at every tick; no HTTP scrapes are included.
#include <benchmark/benchmark.h>

#include <ctime>

#include "sim/load/load_simulator.hpp"
#include "tests/support/reference_dir.hpp"

namespace dynop::sim {
namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// args: prefill workers, decode workers, tick in milliseconds of simulated time.
void BM_ReplayAzureTraceDisaggregated(benchmark::State& state) {
  const std::string data = test::reference_dir() + "/bench-data";
  auto config = parse_load_config(
      "graphs:\n- namespace: default\n  dgd: vllm-disagg\n  profile: "
      "profiles/dynamo_h200_llama31_8b_fp8_vllm.json\n  load:\n    start: 1s\n    trace: {file: "
      "traces/azure_llm_2023_conv.csv}\n",
      "bench.yaml", data);
  if (!config.ok()) {
    state.SkipWithError(config.error().c_str());
    return;
  }
  const double duration = config->graphs[0].load->replay.trace->duration_seconds() + 60;
  const double tick = static_cast<double>(state.range(2)) / 1000.0;
  std::uint64_t requests = 0;
  double cpu = 0;
  for (auto _ : state) {
    ManualClock clock(100.0);
    LoadSimulator load(clock, *config);
    load.add_pod({"default", "fe", "vllm-disagg", Role::kFrontend, "Frontend"});
    load.set_ready("default", "fe", true);
    for (int i = 0; i < state.range(0); ++i) {
      const std::string name = "prefill-" + std::to_string(i);
      load.add_pod({"default", name, "vllm-disagg", Role::kPrefill, "prefill"});
      load.set_ready("default", name, true);
    }
    for (int i = 0; i < state.range(1); ++i) {
      const std::string name = "decode-" + std::to_string(i);
      load.add_pod({"default", name, "vllm-disagg", Role::kDecode, "decode"});
      load.set_ready("default", name, true);
    }
    const double start = cpu_seconds();
    for (double t = 0; t < duration; t += tick) load.advance_to(SimTime(sim_seconds(t)));
    cpu += cpu_seconds() - start;
    auto stats = load.stats("default", "vllm-disagg");
    requests += stats->completed;
    if (stats->completed != 19366) {
      const std::string what = "completed " + std::to_string(stats->completed) + " of " +
                                std::to_string(stats->arrived) + ", dropped " +
                                std::to_string(stats->dropped) + ", waiting " +
                                std::to_string(stats->waiting);
      state.SkipWithError(what.c_str());
      break;
    }
  }
  state.counters["sim_requests_per_cpu_second"] = static_cast<double>(requests) / cpu;
  state.counters["sim_seconds_per_cpu_second"] =
      duration * static_cast<double>(state.iterations()) / cpu;
}
BENCHMARK(BM_ReplayAzureTraceDisaggregated)
    ->Args({1, 2, 1000})
    ->Args({2, 4, 1000})
    ->Args({2, 4, 20})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace
}  // namespace dynop::sim

BENCHMARK_MAIN();
