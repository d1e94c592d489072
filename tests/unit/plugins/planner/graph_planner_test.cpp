#include "plugins/planner/graph_planner.hpp"

#include <gtest/gtest.h>

#include "tests/unit/plugins/planner/h200_engine_model.hpp"

namespace dynop::plugins::planner {
namespace {

PlannedGraph graph(int prefill_ready, int decode_ready) {
  PlannedGraph g;
  g.prefill = PlannedService{"prefill", "g-prefill", prefill_ready};
  g.decode = PlannedService{"decode", "g-decode", decode_ready};
  return g;
}

PlannerOptions constant_options() {
  PlannerOptions o;
  o.load_predictor = "constant";
  o.predictor = PredictorKind::kConstant;
  o.adjustment_interval_seconds = 60;
  o.max_gpu_budget = -1;
  return o;
}

ObservedInterval load(double rate, double itl = 0) {
  return {.request_rate = rate,
          .isl = 1150,
          .osl = 210,
          .ttft_seconds = 0,  // 0: no correction from TTFT
          .itl_seconds = itl,
          .request_duration_seconds = 5};
}

TEST(HumanNumber, AsEventsShowThem) {
  EXPECT_EQ(human_number(1150.4), "1,150");
  EXPECT_EQ(human_number(31.04), "31");
  EXPECT_EQ(human_number(3.64), "3.6");
  EXPECT_EQ(human_number(50), "50");
  EXPECT_EQ(human_number(1234567), "1,234,567");
}

TEST(GraphPlanner, ScalesUpAtOnceAndExplainsWhy) {
  GraphPlanner p(constant_options());
  auto r = p.round(0, graph(1, 1), h200(), load(150), {1, 1});
  ASSERT_FALSE(r.skipped) << r.skipped_reason;
  ASSERT_EQ(r.decisions.size(), 2u);
  EXPECT_DOUBLE_EQ(r.prediction.request_rate, 150);
  // Prefill: 150 x 1,150 = 172,500 tokens/s over the profile's throughput at
  // 1,150, at the utilization that keeps the mean TTFT at 500 / 3 ms.
  const double prefill = 172500 / h200().prefill.thpt_per_gpu(1150) /
                         (1 - h200().prefill.ttft_seconds(1150) / (0.5 / 3));
  EXPECT_NEAR(r.decisions[0].engines_needed, prefill, 1e-9);
  EXPECT_EQ(r.decisions[0].to, static_cast<int>(std::ceil(prefill)));
  const auto& d = r.decisions[1];
  EXPECT_EQ(d.from, 1);
  EXPECT_EQ(d.to, static_cast<int>(std::ceil(d.engines_needed)));
  EXPECT_GT(d.to, 1);
  EXPECT_EQ(d.reason.rfind("decode: predicted 150 req/s, ISL 1,150, OSL 210, needs ", 0), 0u)
      << d.reason;
  EXPECT_NE(d.reason.find(" engines at ITL <= 50 ms"), std::string::npos) << d.reason;
}

TEST(GraphPlanner, SkipsARoundWithoutMetricsOrAdapters) {
  GraphPlanner p(constant_options());
  auto missing = p.round(0, graph(1, 1), h200(), apimachinery::Error{"no series"}, {1, 1});
  EXPECT_TRUE(missing.skipped);
  EXPECT_EQ(missing.skipped_reason, "metrics missing: no series");
  auto no_adapter = p.round(0, graph(1, 1), h200(), load(10), {1, std::nullopt});
  EXPECT_TRUE(no_adapter.skipped);
  EXPECT_EQ(no_adapter.skipped_reason, "the scaling adapter of g-decode does not exist yet");
}

TEST(GraphPlanner, DoesNotLearnFromAGraphStillLoadingWorkers) {
  PlannerOptions o = constant_options();
  GraphPlanner p(o);
  // Steady: ITL as profiled gives d near 1... then workers start (ready 1 of
  // 4) and the ITL they see is 5x worse: the factor is kept, not learned.
  auto steady = p.round(0, graph(1, 1), h200(), load(10, 0.02), {1, 1});
  const double learned = steady.factors.decode;
  auto loading = p.round(15, graph(1, 1), h200(), load(10, 0.1), {1, 4});
  EXPECT_DOUBLE_EQ(loading.factors.decode, learned);
  EXPECT_EQ(loading.decisions[1].to, 4);  // and no more than the 4 already coming
  // With --no-correction factors stay 1.
  o.no_correction = true;
  GraphPlanner plain(o);
  EXPECT_EQ(plain.round(0, graph(1, 1), h200(), load(10, 0.2), {1, 1}).factors.decode, 1);
}

TEST(GraphPlanner, ScalesBackWhenTheLoadDropsAfterTheWindow) {
  GraphPlanner p(constant_options());
  auto up = p.round(0, graph(1, 1), h200(), load(60), {1, 1});
  const int prefill = up.decisions[0].to, decode = up.decisions[1].to;
  // Load gone; the workers are all ready.
  int last_decode = decode;
  for (double t = 15; t <= 60; t += 15) {
    auto r = p.round(t, graph(prefill, decode), h200(), load(0.5), {prefill, decode});
    last_decode = r.decisions[1].to;
    if (t < 60) {
      EXPECT_EQ(last_decode, decode) << t;  // within --adjustment-interval 60
    }
  }
  auto later = p.round(75, graph(prefill, decode), h200(), load(0.5), {prefill, decode});
  EXPECT_EQ(later.decisions[0].to, 1);
  EXPECT_EQ(later.decisions[1].to, 1);
}

TEST(GraphPlanner, TheBudgetHoldsForTheSum) {
  PlannerOptions o = constant_options();
  o.max_gpu_budget = 4;
  GraphPlanner p(o);
  auto r = p.round(0, graph(1, 1), h200(), load(200), {1, 1});
  EXPECT_TRUE(r.budget_limited);
  EXPECT_LE(r.decisions[0].to + r.decisions[1].to, 4);
  EXPECT_NE(r.decisions[1].reason.find("cut to fit --max-gpu-budget 4"), std::string::npos);
}

}  // namespace
}  // namespace dynop::plugins::planner
