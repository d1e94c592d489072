#include "lib/profiling/interpolators.hpp"

#include <gtest/gtest.h>

#include "tests/support/reference_dir.hpp"

namespace dynop::profiling {
namespace {

EngineProfile h200() {
  auto profile = load_engine_profile(test::reference_dir() +
                                     "/bench-data/profiles/dynamo_h200_llama31_8b_fp8_vllm.json");
  EXPECT_TRUE(profile.ok()) << profile.error();
  return profile.ok() ? *profile : EngineProfile{};
}

TEST(PrefillInterpolator, MeasuredPointsAndClampedEnds) {
  PrefillInterpolator p(h200().prefill);
  EXPECT_NEAR(p.ttft_seconds(1117), 0.038494131, 1e-12);
  EXPECT_NEAR(p.thpt_per_gpu(1117), 29017.410472261345, 1e-6);
  // Outside the measured 100..16372 the input length is clamped, as upstream.
  EXPECT_NEAR(p.ttft_seconds(10), 0.019525209, 1e-12);
  EXPECT_NEAR(p.ttft_seconds(50000), 0.375482618, 1e-12);
  // Between points the spline stays between its neighbours here.
  const double mid = p.ttft_seconds(1625);
  EXPECT_GT(mid, 0.038494131);
  EXPECT_LT(mid, 0.049968438);
}

TEST(DecodeInterpolator, GridPointInsideTheMeasuredRangeIsLinearBetweenRows) {
  DecodeInterpolator d(h200().decode);
  EXPECT_EQ(d.max_kv_tokens(), 945029);
  // Grid point ix=30 (KV 30/99), iy=22 (context 22 x 13585/99 = 3018.9).
  // Context row 2997: KV .155395 -> 9.937452 ms, .307619 -> 15.479184 ms: 15.312127 ms.
  // Context row 5644: KV .161252 -> 10.132152 ms, .316532 -> 15.117307 ms: 14.683842 ms.
  // Between the rows at (3018.9 - 2997) / 2647 = 0.0082693: 15.306932 ms.
  EXPECT_NEAR(d.itl_seconds(30.0 / 99, 13585.0 / 99 * 22), 0.015306932, 1e-9);
  // Any point rounds to its nearest grid point (upstream's compute_idx).
  EXPECT_EQ(d.itl_seconds(0.3021, 3030), d.itl_seconds(30.0 / 99, 13585.0 / 99 * 22));
}

TEST(DecodeInterpolator, OutsideTheMeasuredRangeTakesTheNearestMeasuredPoint) {
  DecodeInterpolator d(h200().decode);
  // KV 100% at context 350 was never measured (the 350 row stops at 58%):
  // the nearest point is (0.5826, 350) with 42.578951 ms and 18968.9 tokens/s.
  EXPECT_NEAR(d.itl_seconds(1.0, 350), 0.04257895095677050, 1e-12);
  EXPECT_NEAR(d.thpt_per_gpu(1.0, 350), 18968.94591404177, 1e-6);
  // Concurrency 1000 at context 350 is KV 0.37: inside, between 30 and 47 ms.
  const double itl = d.itl_at_concurrency(1000, 350);
  EXPECT_GT(itl, 0.031072182);
  EXPECT_LT(itl, 0.046647606);
}

TEST(DecodeInterpolator, BestThroughputIsTheHighestKvUseMeetingTheItl) {
  DecodeInterpolator d(h200().decode);
  auto best = d.best_throughput_per_gpu(0.02, 2997);
  EXPECT_LE(best.itl_seconds, 0.02);
  // The next grid point up in KV use misses the target.
  EXPECT_GT(d.itl_seconds(best.kv_usage + 1.0 / 99, 2997), 0.02);
  EXPECT_EQ(best.thpt_per_gpu, d.thpt_per_gpu(best.kv_usage, 2997));
  // No KV level meets 1 ms: the lowest is reported.
  auto none = d.best_throughput_per_gpu(0.001, 2997);
  EXPECT_EQ(none.kv_usage, 0.0);
  EXPECT_GT(none.itl_seconds, 0.001);
}

}  // namespace
}  // namespace dynop::profiling
