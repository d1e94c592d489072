#include "sim/load/load_config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/reference_dir.hpp"

namespace dynop::sim {
namespace {

std::string error_of(const std::string& yaml) {
  auto c = parse_load_config(yaml, "load.yaml", test::reference_dir() + "/bench-data");
  EXPECT_FALSE(c.ok());
  return c.ok() ? "" : c.error();
}

TEST(LoadConfig, ProfileAndTraceFromTheSharedBenchData) {
  auto c = parse_load_config(R"(speedup: 100
seed: 3
graphs:
- namespace: default
  dgd: vllm-disagg
  profile: profiles/dynamo_h200_llama31_8b_fp8_vllm.json
  load:
    trace: {file: traces/azure_llm_2023_conv.csv, speedup: 2, rate_scale: 1.5}
- namespace: default
  dgd: sglang-agg
  model: Qwen/Qwen3-0.6B
  profile: profiles/dynamo_h200_llama31_8b_fp8_vllm.json
  load:
    start: 1m
    step: [{at: 0, rate: 1}, {at: 2m, rate: 20}]
    input_tokens: {normal: {mean: 1000, stddev: 200}}
    output_tokens: {uniform: [50, 300]}
  resources:
    frontend: {idle_cores: 0.1, memory: 1Gi}
)",
                             "load.yaml", test::reference_dir() + "/bench-data");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->speedup, 100);
  ASSERT_EQ(c->graphs.size(), 2u);
  const GraphConfig& d = c->graphs[0];
  EXPECT_EQ(d.dynamo_namespace(), "default-vllm-disagg");
  EXPECT_EQ(d.model, "nvidia/Llama-3.1-8B-Instruct-FP8");  // the profile's
  ASSERT_TRUE(d.load && d.load->is_trace);
  EXPECT_EQ(d.load->replay.trace->records.size(), 19366u);
  EXPECT_NEAR(d.load->replay.trace->duration_seconds(), 3502.0, 1.0);  // 58.4 minutes
  EXPECT_EQ(d.load->replay.speedup, 2);
  EXPECT_EQ(d.load->replay.rate_scale, 1.5);
  const GraphConfig& a = c->graphs[1];
  EXPECT_EQ(a.model, "Qwen/Qwen3-0.6B");
  EXPECT_EQ(a.load->start_seconds, 60);
  ASSERT_EQ(a.load->rate.steps.size(), 2u);
  EXPECT_EQ(a.load->rate.steps[1].first, 120);
  EXPECT_EQ(a.load->rate.rate_at(119), 1);
  EXPECT_EQ(a.load->rate.rate_at(120), 20);
  EXPECT_EQ(a.frontend_resources.idle_cores, 0.1);
  EXPECT_EQ(a.frontend_resources.memory_bytes, 1024.0 * 1024 * 1024);
  EXPECT_EQ(a.frontend_resources.core_seconds_per_request,
            default_frontend_resources().core_seconds_per_request);
}

TEST(LoadConfig, MistakesAreRefusedWithFileLineAndWhat) {
  EXPECT_EQ(error_of("graphs:\n- namespace: default\n  dgd: a\n  profile: "
                     "profiles/dynamo_h200_llama31_8b_fp8_vllm.json\n  load:\n    constant: {rate: "
                     "1}\n    sine: {mean: 1, amplitude: 1, period: 1m}\n    input_tokens: 1\n    "
                     "output_tokens: 1\n"),
            "load.yaml:6:5: load: give exactly one of constant, step, square, sine, trace");
  EXPECT_EQ(error_of("graphs:\n- namespace: default\n  dgd: a\n  load: {constant: {rate: 1}}\n"),
            "load.yaml:4:9: load needs a profile for the graph's workers");
  EXPECT_EQ(error_of("speedup: fast\n"),
            "load.yaml:1:10: speedup must be a number, found \"fast\"");
  EXPECT_EQ(
      error_of("graphs:\n- namespace: default\n  dgd: a\n  gpus: 2\n"),
      "load.yaml:4:3: graphs[]: unknown field \"gpus\" (known: namespace, dgd, model, profile, "
      "gpus_per_engine, max_batched_tokens, load, resources, seed)");
  EXPECT_EQ(error_of("graphs: [\n"),
            "load.yaml:2:1: not valid YAML: end of sequence flow not found");
  EXPECT_EQ(error_of("graphs:\n- namespace: default\n  dgd: a\n  profile: "
                     "profiles/dynamo_h200_llama31_8b_fp8_vllm.json\n  load:\n    square: {low: "
                     "1, high: 5, period: soon}\n    input_tokens: 1\n    output_tokens: 1\n"),
            "load.yaml:6:39: load.square.period must be a duration like 30s, 5m or 1h, found "
            "\"soon\"");
}

TEST(LoadConfig, BadProfileOrTraceFileIsNamedWithItsLine) {
  std::string dir = ::testing::TempDir();
  if (!dir.empty() && dir.back() == '/') dir.pop_back();
  {
    std::ofstream t(dir + "/bad.csv");
    t << "TIMESTAMP,ContextTokens,GeneratedTokens\n"
         "2023-11-16 18:15:46.6805900,374,44\n"
         "2023-11-16 18:15:50.9951690,abc,109\n";
  }
  auto c = parse_load_config(
      "graphs:\n- namespace: default\n  dgd: a\n  profile: " + test::reference_dir() +
          "/bench-data/profiles/dynamo_h200_llama31_8b_fp8_vllm.json\n  load:\n    trace: {file: "
          "bad.csv}\n",
      "load.yaml", dir);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(),
            dir + "/bad.csv:3: ContextTokens must be a positive whole number, found \"abc\"");
  {
    std::ofstream p(dir + "/bad.json");
    p << "{\"prefill\": {\n  \"prefill_isl\": [1, 2, 3, 4],\n  \"prefill_ttft\": [1, 2]}}\n";
  }
  c = parse_load_config("graphs:\n- namespace: default\n  dgd: a\n  profile: bad.json\n",
                        "load.yaml", dir);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), dir + "/bad.json:1:1: the profile has no \"decode\"");
}

TEST(Trace, FormatsAndErrors) {
  auto t = parse_trace("0,10,5\n1.5,20,6\n", "t.csv");
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t->records.size(), 2u);
  EXPECT_EQ(t->records[1].offset_seconds, 1.5);
  EXPECT_EQ(parse_trace("TIMESTAMP,ContextTokens,GeneratedTokens\n", "t.csv").error(),
            "t.csv: the trace has no requests");
  EXPECT_EQ(parse_trace("5,10,5\n4,10,5\n", "t.csv").error(),
            "t.csv:2: TIMESTAMP goes back in time (requests must be in arrival order)");
  EXPECT_EQ(parse_trace("5,10\n", "t.csv").error(),
            "t.csv:1: expected 3 fields (TIMESTAMP,ContextTokens,GeneratedTokens), found 2");
  EXPECT_EQ(parse_trace("h,h,h\nyesterday,1,1\n", "t.csv").error(),
            "t.csv:2: TIMESTAMP must be a time like 2023-11-16 18:15:46.6805900 or seconds, "
            "found \"yesterday\"");
}

TEST(Arrivals, RatesAndTraceScaling) {
  RateProfile constant;
  constant.rate = 50;
  auto source = poisson_arrivals(constant, {}, {}, SimTime{}, 1);
  int n = 0;
  for (;;) {
    auto a = source->next();
    if (!a || a->at >= SimTime(sim_seconds(100))) break;
    ++n;
  }
  EXPECT_NEAR(n, 5000, 300);  // Poisson: sd ~71
  RateProfile square;
  square.kind = RateProfile::Kind::kSquare;
  square.low = 0;
  square.high = 10;
  square.period = 20;
  square.duty = 0.5;
  source = poisson_arrivals(square, {}, {}, SimTime{}, 1);
  for (int i = 0; i < 200; ++i) {
    auto a = source->next();
    ASSERT_TRUE(a);
    EXPECT_LT(std::fmod(to_seconds(a->at), 20.0), 10.0) << "none in the low half";
  }
  // A step down to 0 for good ends the arrivals (thinning would otherwise
  // draw candidates forever); a 0 between two rates only pauses them.
  RateProfile stops;
  stops.kind = RateProfile::Kind::kStep;
  stops.steps = {{0, 0}, {10, 20}, {20, 0}};
  source = poisson_arrivals(stops, {}, {}, SimTime{}, 1);
  int stopped = 0;
  while (auto a = source->next()) {
    EXPECT_GE(to_seconds(a->at), 10.0);
    EXPECT_LT(to_seconds(a->at), 20.0);
    ++stopped;
  }
  EXPECT_NEAR(stopped, 200, 60);
  EXPECT_FALSE(source->next()) << "stays exhausted";
  auto trace = std::make_shared<Trace>();
  trace->records = {{0, 10, 1}, {10, 20, 2}};
  auto replay = trace_arrivals({trace, 2.0, 3.0, false}, SimTime(sim_seconds(5)), 1);
  std::vector<double> times;
  while (auto a = replay->next()) times.push_back(to_seconds(a->at));
  EXPECT_EQ(times, (std::vector<double>{5, 5, 5, 10, 10, 10}));
}

}  // namespace
}  // namespace dynop::sim
