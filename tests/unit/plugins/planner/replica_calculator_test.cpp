#include "plugins/planner/replica_calculator.hpp"

#include <gtest/gtest.h>

#include "tests/unit/plugins/planner/h200_engine_model.hpp"

namespace dynop::plugins::planner {
namespace {

// Decode at context 3020 (grid row 22, 3018.9 tokens: 0.83% of the way from
// the measured 2997 row to the 5644 row) and an ITL target of 30 ms: the
// highest KV grid point meeting it is 70/99 = 0.70707, where row 2997 gives
// 26.759 + 0.62409 x (31.797 - 26.759) = 29.903 ms and 7258.65 tokens/s, row
// 5644 gives 28.089 ms and 4019.19 tokens/s: 29.888 ms and 7231.86 tokens/s
// per GPU. (71/99 gives 30.22 ms.)
constexpr double kDecodeThptAt30ms = 7231.861749448135;

TEST(ReplicaCalculator, PrefillAtAMeasuredInputLength) {
  PlannerOptions options;  // TTFT target 500 ms
  // 20 req/s x 3151 tokens = 63,020 tokens/s; the profile gives 49,845.96
  // tokens/s per GPU at 3151: 1.2643 engines of work. One request takes the
  // profile's 63.215 ms there; for a mean TTFT of 500 / 3 ms an engine may be
  // busy 1 - 63.215 / 166.667 = 62.07% of the time: 1.2643 / 0.6207 = 2.037
  // engines -> 3. (Upstream sizes throughput only: 1.2643 -> 2.)
  LoadForecast load{.request_rate = 20, .isl = 3151, .osl = 10};
  auto need = compute_replicas(h200(), options, {}, load, {});
  EXPECT_NEAR(need.prefill_thpt_per_gpu, 49845.95764074385, 1e-6);
  EXPECT_NEAR(need.prefill_utilization, 0.62071147, 1e-8);
  EXPECT_NEAR(need.prefill_engines, 2.0368483, 1e-6);
  EXPECT_EQ(need.prefill, 3);
  // Engines that queue half as much as the model (c = 0.5): 1.018 -> 2.
  auto calm = compute_replicas(h200(), options, {}, load, {.prefill_queueing = 0.5});
  EXPECT_NEAR(calm.prefill_engines, 1.0184241, 1e-6);
  EXPECT_EQ(calm.prefill, 2);
  // Upstream's p is reported, not used: p = 2 changes nothing.
  EXPECT_EQ(compute_replicas(h200(), options, {}, load, {.prefill = 2}).prefill, 3);
  // Two GPUs per engine: half the engines (1.018 -> 2).
  EXPECT_EQ(compute_replicas(h200(), options, {.prefill = 2}, load, {}).prefill, 2);
}

TEST(ReplicaCalculator, DecodeWithTheCorrectionFactor) {
  PlannerOptions options;       // ITL target 50 ms
  options.max_gpu_budget = -1;  // the prefill this load needs is not the point here
  // d = 5/3: the engines run 5/3 slower than profiled, so the target the
  // profile must meet is 50 / (5/3) = 30 ms. 100 req/s x 240 tokens = 24,000
  // tokens/s / 7231.86 = 3.3186 engines -> 4.
  LoadForecast load{.request_rate = 100, .isl = 2900, .osl = 240};
  auto need = compute_replicas(h200(), options, {}, load, {.decode = 5.0 / 3});
  EXPECT_NEAR(need.decode_itl_target_seconds, 0.03, 1e-12);
  EXPECT_NEAR(need.decode_thpt_per_gpu, kDecodeThptAt30ms, 1e-6);
  EXPECT_NEAR(need.decode_engines, 3.3186475117325696, 1e-9);
  EXPECT_EQ(need.decode, 4);
  EXPECT_FALSE(need.budget_limited);
  // The need with 10% more load (what a scale-down must still cover).
  auto headroom = compute_replicas(h200(), options, {}, load, {.decode = 5.0 / 3}, 1.1);
  EXPECT_NEAR(headroom.decode_engines, 3.3186475117325696 * 1.1, 1e-9);
}

TEST(ReplicaCalculator, MinEndpointAndModes) {
  PlannerOptions options;
  options.min_endpoint = 2;
  auto idle =
      compute_replicas(h200(), options, {}, {.request_rate = 0, .isl = 1000, .osl = 100}, {});
  EXPECT_EQ(idle.prefill, 2);
  EXPECT_EQ(idle.decode, 2);
  options.mode = "decode";
  auto decode_only =
      compute_replicas(h200(), options, {}, {.request_rate = 0, .isl = 1000, .osl = 100}, {});
  EXPECT_EQ(decode_only.prefill, 0);
  EXPECT_EQ(decode_only.decode, 2);
}

TEST(ReplicaCalculator, CorrectionFactorsFromObservedLatency) {
  // TTFT 76.988 ms at isl 1117, where the profile measured 38.494 ms: p = 2.
  // Decode: 10 req/s of 18.965 s on 2 engines is 94.83 requests in flight per
  // engine; at context 2900 + 240 / 2 = 3020 that is KV 94.83 x 3020 /
  // 945,029 = 0.30303 (grid point 30/99, row 22), where the profile gives
  // 15.306932 ms: an observed 30.613864 ms is d = 2.
  ObservedInterval observed{.request_rate = 10,
                            .isl = 1117,
                            .osl = 240,
                            .ttft_seconds = 0.076988262,
                            .itl_seconds = 0.030613864,
                            .request_duration_seconds = 18.965061208107567};
  auto p = correction_factors(h200(), observed, 2);
  EXPECT_NEAR(p.prefill, 2.0, 1e-8);
  EXPECT_EQ(p.prefill_queueing, 1);
  // c: 10 x 1117 / 29,017.41 = 0.38494 engines of work on 1 ready engine; a
  // mean TTFT of twice one request's is 1 - 1/2 = 0.5 = c x 0.38494: c = 1.2989.
  auto c = prefill_queueing(h200(), observed, 1, {});
  ASSERT_TRUE(c.has_value());
  EXPECT_NEAR(*c, 1.298899305, 1e-8);
  // On 2 engines (utilization 19%) the interval says too little.
  EXPECT_FALSE(prefill_queueing(h200(), observed, 2, {}).has_value());
  // The decode case needs isl 2900: same request, context from isl 2900.
  observed.isl = 2900;
  auto d = correction_factors(h200(), observed, 2);
  EXPECT_NEAR(d.decode, 2.0, 1e-6);
  // No traffic, or no ready decode engine: factors stay 1.
  EXPECT_EQ(correction_factors(h200(), {}, 2).prefill, 1);
  EXPECT_EQ(correction_factors(h200(), observed, 0).decode, 1);
  // One odd interval cannot move a factor beyond 10.
  observed.itl_seconds = 5;
  EXPECT_EQ(correction_factors(h200(), observed, 2).decode, 10);
}

TEST(ReplicaCalculator, GpuBudgetSplit) {
  // Upstream's split: 5 prefill + 7 decode = 12 GPUs over a budget of 8:
  // scale 2/3, prefill round(3.33) = 3, decode the 5 GPUs left.
  int prefill = 5, decode = 7;
  EXPECT_TRUE(fit_gpu_budget(prefill, decode, {}, 8, 1));
  EXPECT_EQ(prefill, 3);
  EXPECT_EQ(decode, 5);
  // Decode engines of 2 GPUs: 3 + 4 x 2 = 11 GPUs: scale 8/11, prefill
  // round(2.18) = 2, decode (8 - 2) / 2 = 3 engines.
  prefill = 3, decode = 4;
  EXPECT_TRUE(fit_gpu_budget(prefill, decode, {.decode = 2}, 8, 1));
  EXPECT_EQ(prefill, 2);
  EXPECT_EQ(decode, 3);
  // min-endpoint wins over the budget, as upstream.
  prefill = 3, decode = 3;
  EXPECT_TRUE(fit_gpu_budget(prefill, decode, {}, 2, 1));
  EXPECT_EQ(prefill, 1);
  EXPECT_EQ(decode, 1);
  // Within the budget, or no budget (-1): unchanged.
  prefill = 3, decode = 5;
  EXPECT_FALSE(fit_gpu_budget(prefill, decode, {}, 8, 1));
  prefill = 30, decode = 50;
  EXPECT_FALSE(fit_gpu_budget(prefill, decode, {}, -1, 1));
  EXPECT_EQ(prefill + decode, 80);

  // Through compute_replicas: 300 req/s of 3151 in, 240 out needs 19 prefill
  // and more decode than 8 GPUs hold.
  PlannerOptions options;
  auto need =
      compute_replicas(h200(), options, {}, {.request_rate = 300, .isl = 3151, .osl = 240}, {});
  EXPECT_TRUE(need.budget_limited);
  EXPECT_LE(need.prefill + need.decode, 8);
  EXPECT_GE(need.prefill, 1);
  EXPECT_GE(need.decode, 1);
}

}  // namespace
}  // namespace dynop::plugins::planner
