#include "sim/load/graph_load.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "lib/profiling/interpolators.hpp"
#include "tests/support/reference_dir.hpp"

namespace dynop::sim {
namespace {

std::shared_ptr<const profiling::EngineProfile> h200() {
  static auto profile = [] {
    auto p = profiling::load_engine_profile(
        test::reference_dir() + "/bench-data/profiles/dynamo_h200_llama31_8b_fp8_vllm.json");
    EXPECT_TRUE(p.ok()) << p.error();
    return std::make_shared<const profiling::EngineProfile>(*p);
  }();
  return profile;
}

// One family's sample value by name and a label it must carry.
double value(prometheus::Registry& registry, const std::string& name, const std::string& label = "",
             const std::string& label_value = "") {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      bool match = label.empty();
      for (const auto& l : m.label) match |= l.name == label && l.value == label_value;
      if (!match) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          return m.counter.value;
        case prometheus::MetricType::Gauge:
          return m.gauge.value;
        default:
          return m.histogram.sample_sum;
      }
    }
  }
  ADD_FAILURE() << "no " << name;
  return -1;
}

std::uint64_t count(prometheus::Registry& registry, const std::string& name) {
  for (const auto& family : registry.Collect()) {
    if (family.name == name) return family.metric.at(0).histogram.sample_count;
  }
  ADD_FAILURE() << "no " << name;
  return 0;
}

GraphConfig agg(LoadSpec load) {
  GraphConfig g;
  g.namespace_ = "default";
  g.dgd = "sglang-agg";
  g.model = "nvidia/Llama-3.1-8B-Instruct-FP8";
  g.profile = h200();
  g.load = std::move(load);
  return g;
}

LoadSpec trace_of(std::vector<TraceRecord> records) {
  auto trace = std::make_shared<Trace>();
  trace->records = std::move(records);
  LoadSpec spec;
  spec.is_trace = true;
  spec.replay.trace = trace;
  spec.start_seconds = 0.001;  // after the test has made its pods Ready at 0
  return spec;
}

SimTime at(double seconds) { return SimTime(sim_seconds(seconds)); }

// One request on an idle aggregated worker: its TTFT is the profile's prefill
// time at its input length (input / throughput), then each decode step takes
// the profile's ITL at that KV use and context: grid point KV 0, context
// 1097.8, outside the measured hull, so the nearest point's 4.379871 ms.
TEST(GraphLoad, OneRequestTakesTheProfilesTimes) {
  GraphLoad graph(agg(trace_of({{0.0, 1117, 3}})));
  auto fe = graph.add_pod(Role::kFrontend, "Frontend", at(0));
  auto worker = graph.add_pod(Role::kWorker, "decode", at(0));
  graph.set_ready(fe, true, at(0));
  graph.set_ready(worker, true, at(0));
  graph.advance_to(at(10));
  auto& reg = *graph.registry(fe);
  const double ttft = 1117 / 29017.410472261345;
  EXPECT_NEAR(value(reg, "dynamo_frontend_time_to_first_token_seconds"), ttft, 1e-8);
  EXPECT_NEAR(value(reg, "dynamo_frontend_request_duration_seconds"), ttft + 2 * 0.004379871, 1e-8);
  EXPECT_NEAR(value(reg, "dynamo_frontend_inter_token_latency_seconds"), 2 * 0.004379871, 1e-8);
  EXPECT_EQ(count(reg, "dynamo_frontend_inter_token_latency_seconds"), 2u);
  EXPECT_EQ(value(reg, "dynamo_frontend_output_tokens_total"), 3);
  EXPECT_EQ(value(reg, "dynamo_frontend_requests_total", "status", "success"), 1);
  EXPECT_EQ(value(reg, "dynamo_frontend_inflight_requests"), 0);
  EXPECT_EQ(value(*graph.registry(worker), "dynamo_component_requests_total"), 1);
  EXPECT_EQ(graph.stats().completed, 1u);
}

// Disaggregated: the prefill worker gives the first token, the decode worker
// the rest; KV use on the decode worker follows the tokens in flight.
TEST(GraphLoad, DisaggregatedRequestsGoPrefillThenDecode) {
  GraphLoad graph(agg(trace_of({{0.0, 2000, 400}})));
  auto fe = graph.add_pod(Role::kFrontend, "Frontend", at(0));
  auto prefill = graph.add_pod(Role::kPrefill, "prefill", at(0));
  auto decode = graph.add_pod(Role::kDecode, "decode", at(0));
  for (auto p : {fe, prefill, decode}) graph.set_ready(p, true, at(0));
  graph.advance_to(at(0.5));
  auto& reg = *graph.registry(fe);
  EXPECT_EQ(count(reg, "dynamo_frontend_time_to_first_token_seconds"), 1u);
  EXPECT_EQ(value(*graph.registry(prefill), "dynamo_component_requests_total"), 1);
  EXPECT_EQ(value(*graph.registry(decode), "dynamo_component_requests_total"), 1);
  // Mid-decode: 2000 input tokens plus those generated, over 945,029.
  const double kv = value(*graph.registry(decode), "dynamo_component_gpu_cache_usage_percent");
  EXPECT_GT(kv, 2001.0 / 945029);
  EXPECT_LT(kv, 2400.0 / 945029);
  EXPECT_EQ(value(*graph.registry(prefill), "dynamo_component_gpu_cache_usage_percent"), 0);
  graph.advance_to(at(30));
  EXPECT_EQ(value(reg, "dynamo_frontend_requests_total", "status", "success"), 1);
  EXPECT_EQ(value(reg, "dynamo_frontend_output_tokens_total"), 400);
  EXPECT_EQ(value(*graph.registry(decode), "dynamo_component_gpu_cache_usage_percent"), 0);
}

double mean_ttft_between(GraphLoad& graph, PodHandle fe, SimTime from, SimTime to) {
  graph.advance_to(from);
  auto& reg = *graph.registry(fe);
  const double s0 = value(reg, "dynamo_frontend_time_to_first_token_seconds");
  const auto c0 = count(reg, "dynamo_frontend_time_to_first_token_seconds");
  graph.advance_to(to);
  const double s1 = value(reg, "dynamo_frontend_time_to_first_token_seconds");
  const auto c1 = count(reg, "dynamo_frontend_time_to_first_token_seconds");
  EXPECT_GT(c1, c0);
  return (s1 - s0) / static_cast<double>(c1 - c0);
}

// 40 requests/s of 3,000 input tokens need 120,000 prefill tokens/s: three
// engines at ~47,000 tokens/s each (49,800 less the decode steps sharing
// them). With one, the queue and TTFT grow; three more, once Ready, drain the
// backlog (about 2.9 M tokens at 68,000 tokens/s spare: some 45 s) and bring
// TTFT back to about the bare prefill time.
TEST(GraphLoad, TtftRisesWhenCapacityIsShortAndFallsAfterWorkersAreReady) {
  LoadSpec load;
  load.rate.kind = RateProfile::Kind::kConstant;
  load.rate.rate = 40;
  load.input_tokens = {TokenDistribution::Kind::kConstant, 3000, 3000};
  load.output_tokens = {TokenDistribution::Kind::kConstant, 50, 50};
  GraphLoad graph(agg(load));
  auto fe = graph.add_pod(Role::kFrontend, "Frontend", at(0));
  graph.set_ready(fe, true, at(0));
  auto first = graph.add_pod(Role::kWorker, "decode", at(0));
  graph.set_ready(first, true, at(0));
  const double short_early = mean_ttft_between(graph, fe, at(5), at(10));
  const double short_late = mean_ttft_between(graph, fe, at(20), at(25));
  EXPECT_GT(short_late, short_early) << "the backlog grows while capacity is short";
  EXPECT_GT(short_late, 1.0);
  // Scale up: the new pods start at 25 s but serve only once Ready at 40 s.
  std::vector<PodHandle> added;
  for (int i = 0; i < 3; ++i) added.push_back(graph.add_pod(Role::kWorker, "decode", at(25)));
  const double starting = mean_ttft_between(graph, fe, at(35), at(40));
  EXPECT_GT(starting, short_late) << "pods not Ready yet do not help";
  for (auto pod : added) graph.set_ready(pod, true, at(40));
  const double after = mean_ttft_between(graph, fe, at(170), at(180));
  EXPECT_LT(after, 0.5) << "the backlog is gone";
  EXPECT_GT(after, 3000 / 49845.95764074385 * 0.9);
  EXPECT_EQ(graph.stats().dropped, 0u);
}

TEST(GraphLoad, SameSeedSameRunAnotherSeedAnotherRun) {
  auto run = [](std::uint64_t seed) {
    LoadSpec load;
    load.rate.kind = RateProfile::Kind::kSine;
    load.rate.mean = 20;
    load.rate.amplitude = 10;
    load.rate.period = 60;
    load.input_tokens = {TokenDistribution::Kind::kNormal, 1000, 300};
    load.output_tokens = {TokenDistribution::Kind::kUniform, 50, 300};
    GraphConfig g = agg(load);
    g.seed = seed;
    GraphLoad graph(g);
    auto fe = graph.add_pod(Role::kFrontend, "Frontend", at(0));
    graph.set_ready(fe, true, at(0));
    graph.set_ready(graph.add_pod(Role::kWorker, "decode", at(0)), true, at(0));
    graph.advance_to(at(120));
    return prometheus::TextSerializer().Serialize(graph.registry(fe)->Collect());
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

// Removing a worker gracefully lets its requests finish; killing it fails
// them (requests_total status="error"); requests with no Ready frontend are dropped.
TEST(GraphLoad, RemovalDrainsOrFailsRequests) {
  LoadSpec load = trace_of({{0.0, 1000, 500}, {0.0, 1000, 500}});
  GraphLoad graph(agg(load));
  auto fe = graph.add_pod(Role::kFrontend, "Frontend", at(0));
  auto w1 = graph.add_pod(Role::kWorker, "decode", at(0));
  auto w2 = graph.add_pod(Role::kWorker, "decode", at(0));
  for (auto p : {fe, w1, w2}) graph.set_ready(p, true, at(0));
  graph.advance_to(at(0.5));
  graph.remove_pod(w1, /*graceful=*/true, at(0.5));
  graph.remove_pod(w2, /*graceful=*/false, at(0.5));
  graph.advance_to(at(60));
  auto& reg = *graph.registry(fe);
  EXPECT_EQ(value(reg, "dynamo_frontend_requests_total", "status", "success"), 1);
  EXPECT_EQ(value(reg, "dynamo_frontend_requests_total", "status", "error"), 1);
  EXPECT_EQ(value(reg, "dynamo_frontend_inflight_requests"), 0);

  GraphLoad idle(agg(trace_of({{0.0, 100, 10}})));
  idle.add_pod(Role::kFrontend, "Frontend", at(0));  // never Ready
  idle.advance_to(at(5));
  EXPECT_EQ(idle.stats().dropped, 1u);
}

// Requests wait at the frontend (queued_requests) while no worker is Ready.
TEST(GraphLoad, RequestsWaitForTheFirstReadyWorker) {
  GraphLoad graph(agg(trace_of({{0.0, 500, 20}, {0.1, 500, 20}, {0.2, 500, 20}})));
  auto fe = graph.add_pod(Role::kFrontend, "Frontend", at(0));
  graph.set_ready(fe, true, at(0));
  auto w = graph.add_pod(Role::kWorker, "decode", at(0));
  graph.advance_to(at(5));
  EXPECT_EQ(value(*graph.registry(fe), "dynamo_frontend_queued_requests"), 3);
  EXPECT_EQ(value(*graph.registry(fe), "dynamo_frontend_inflight_requests"), 3);
  graph.set_ready(w, true, at(5));
  graph.advance_to(at(10));
  EXPECT_EQ(value(*graph.registry(fe), "dynamo_frontend_queued_requests"), 0);
  EXPECT_EQ(value(*graph.registry(fe), "dynamo_frontend_requests_total", "status", "success"), 3);
  // TTFT includes the wait: about 5 s, 4.9 s and 4.8 s.
  EXPECT_GT(value(*graph.registry(fe), "dynamo_frontend_time_to_first_token_seconds"), 14.7);
}

TEST(GraphLoad, CpuFollowsTheLoad) {
  GraphConfig g = agg(trace_of({{0.0, 1000, 100}}));
  GraphLoad graph(g);
  auto fe = graph.add_pod(Role::kFrontend, "Frontend", at(0));
  auto w = graph.add_pod(Role::kWorker, "decode", at(0));
  graph.set_ready(fe, true, at(0));
  graph.set_ready(w, true, at(0));
  graph.advance_to(at(10));
  const ResourceProfile r = default_frontend_resources();
  EXPECT_NEAR(graph.usage(fe, at(10)).cpu_core_seconds,
              r.idle_cores * 10 + r.core_seconds_per_request + r.core_seconds_per_token * 100,
              1e-9);
  EXPECT_EQ(graph.usage(fe, at(10)).memory_bytes, r.memory_bytes);
}

}  // namespace
}  // namespace dynop::sim
