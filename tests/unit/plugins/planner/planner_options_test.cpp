#include "plugins/planner/planner_options.hpp"

#include <gtest/gtest.h>

namespace dynop::plugins::planner {
namespace {

TEST(PlannerOptions, UpstreamDefaults) {
  auto o = parse_planner_options({});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o->adjustment_interval_seconds, 180);
  EXPECT_DOUBLE_EQ(o->ttft_seconds, 0.5);
  EXPECT_DOUBLE_EQ(o->itl_seconds, 0.05);
  EXPECT_EQ(o->max_gpu_budget, 8);
  EXPECT_EQ(o->min_endpoint, 1);
  EXPECT_FALSE(o->prefill_engine_num_gpu.has_value());
  EXPECT_FALSE(o->decode_engine_num_gpu.has_value());
  EXPECT_FALSE(o->no_operation);
  EXPECT_FALSE(o->no_correction);
  EXPECT_EQ(o->mode, "disagg");
  EXPECT_EQ(o->profile_results_dir, "profiling_results");
  EXPECT_EQ(o->prophet_window_size, 50);
  EXPECT_DOUBLE_EQ(o->kalman_q_level, 1.0);
  EXPECT_DOUBLE_EQ(o->kalman_q_trend, 0.1);
  EXPECT_DOUBLE_EQ(o->kalman_r, 10.0);
  EXPECT_EQ(o->kalman_min_points, 5);
  // Upstream's default predictor is arima, which dynop replaces, and says so.
  EXPECT_EQ(o->load_predictor, "arima");
  EXPECT_EQ(o->predictor, PredictorKind::kHoltWinters);
  EXPECT_NE(o->predictor_note.find("arima is not implemented"), std::string::npos);
  // It says what runs instead as configured: without --holt-winters-season, no season.
  EXPECT_EQ(o->predictor_note,
            "load predictor arima is not implemented by dynop's planner: holt-winters predicts "
            "instead (level and trend; no season without --holt-winters-season)");
}

TEST(PlannerOptions, ProphetWithASeasonSaysWhatRunsInstead) {
  auto o = parse_planner_options({"--load-predictor=prophet", "--holt-winters-season=4"});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o->predictor, PredictorKind::kHoltWinters);
  EXPECT_EQ(o->predictor_note,
            "load predictor prophet is not implemented by dynop's planner: holt-winters "
            "predicts instead (level, trend and a season of 4 rounds)");
}

TEST(PlannerOptions, TheUpstreamExampleCommandLine) {
  // components of sglang-disagg_planner.yaml's planner container: command + args.
  auto o = parse_planner_options({"python3", "-m", "planner_sla", "--environment=kubernetes",
                                  "--backend=sglang", "--adjustment-interval=60",
                                  "--profile-results-dir=/workspace/profiling_results"});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o->adjustment_interval_seconds, 60);
  EXPECT_EQ(o->profile_results_dir, "/workspace/profiling_results");
}

TEST(PlannerOptions, SeparateValuesSwitchesAndAShellLine) {
  auto o = parse_planner_options({"--ttft", "200", "--itl=20", "--load-predictor", "kalman",
                                  "--no-operation", "--max-gpu-budget=-1",
                                  "--prefill-engine-num-gpu=2", "--kalman-r", "0.5"});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_DOUBLE_EQ(o->ttft_seconds, 0.2);
  EXPECT_DOUBLE_EQ(o->itl_seconds, 0.02);
  EXPECT_EQ(o->predictor, PredictorKind::kKalman);
  EXPECT_TRUE(o->predictor_note.empty());
  EXPECT_TRUE(o->no_operation);
  EXPECT_EQ(o->max_gpu_budget, -1);
  EXPECT_EQ(o->prefill_engine_num_gpu, 2);
  EXPECT_DOUBLE_EQ(o->kalman_r, 0.5);

  auto shell = parse_planner_options(
      {"python3 -m planner_sla --load-predictor=constant --min-endpoint=2 --no-correction"});
  ASSERT_TRUE(shell.ok()) << shell.error();
  EXPECT_EQ(shell->predictor, PredictorKind::kConstant);
  EXPECT_EQ(shell->min_endpoint, 2);
  EXPECT_TRUE(shell->no_correction);
}

TEST(PlannerOptions, ErrorsNameTheOption) {
  auto error = [](std::vector<std::string> words) {
    auto o = parse_planner_options(words);
    return o.ok() ? std::string("accepted") : o.error();
  };
  EXPECT_EQ(error({"--ttft=fast"}), "--ttft: invalid value \"fast\"");
  EXPECT_EQ(error({"--adjustment-intervall=60"}), "unknown option --adjustment-intervall");
  EXPECT_EQ(error({"--ttft"}), "option --ttft needs a value");
  EXPECT_EQ(error({"--load-predictor=lstm"}),
            "--load-predictor: \"lstm\" is not one of constant, kalman, holt-winters, arima, "
            "prophet");
  EXPECT_EQ(error({"--adjustment-interval=0"}),
            "--adjustment-interval: must be greater than 0, not 0");
  EXPECT_EQ(error({"--max-gpu-budget=0"}),
            "--max-gpu-budget: must be -1 (no budget) or greater than 0, not 0");
  EXPECT_EQ(error({"--mode=agg"}), "--mode: \"agg\" is not one of disagg, prefill, decode");
  EXPECT_EQ(error({"--decode-engine-num-gpu=0"}),
            "--decode-engine-num-gpu: must be greater than 0, not 0");
  EXPECT_NE(error({"--enable-loadbased-scaling"}).find("not supported"), std::string::npos);
}

}  // namespace
}  // namespace dynop::plugins::planner
