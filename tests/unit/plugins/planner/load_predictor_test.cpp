#include "plugins/planner/load_predictor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "plugins/planner/constant_predictor.hpp"
#include "plugins/planner/holt_winters_predictor.hpp"
#include "plugins/planner/kalman_predictor.hpp"

namespace dynop::plugins::planner {
namespace {

// 10 for five intervals, then 20: the forecast after each observation.
std::vector<double> step_forecasts(LoadPredictor& predictor) {
  std::vector<double> forecasts;
  for (int t = 0; t < 20; ++t) {
    predictor.add(t < 5 ? 10 : 20);
    forecasts.push_back(predictor.predict());
  }
  return forecasts;
}

TEST(ConstantPredictor, FollowsAStepAtOnce) {
  ConstantPredictor predictor;
  EXPECT_EQ(predictor.predict(), 0);
  auto f = step_forecasts(predictor);
  EXPECT_EQ(f[4], 10);
  EXPECT_EQ(f[5], 20);
}

TEST(KalmanPredictor, StepWithUpstreamDefaults) {
  // q_level 1, q_trend 0.1, r 10, 5 points before forecasting. Expected
  // values computed from the filter equations in kalman_predictor.hpp with an
  // independent script (x = [10, 0], P = diag(10, 10) after the first point):
  // the first 20 moves the level most of the way and starts a trend, which
  // overshoots by about 2.9 and decays back towards 20.
  KalmanPredictor predictor(1.0, 0.1, 10.0, 5);
  auto f = step_forecasts(predictor);
  EXPECT_DOUBLE_EQ(f[3], 10);  // fewer than 5 points: the last value
  EXPECT_NEAR(f[4], 10, 1e-9);
  EXPECT_NEAR(f[5], 16.896635914, 1e-8);
  EXPECT_NEAR(f[6], 20.291269176, 1e-8);
  EXPECT_NEAR(f[9], 22.859215650, 1e-8);  // the largest overshoot
  EXPECT_NEAR(f[19], 20.364419565, 1e-8);
}

TEST(HoltWintersPredictor, StepWithoutSeason) {
  // alpha 0.5, beta 0.1: at the first 20 the level goes halfway (15) and the
  // trend takes a tenth of that move (0.5): 15.5.
  HoltWintersPredictor predictor(HoltWintersParameters{});
  auto f = step_forecasts(predictor);
  EXPECT_DOUBLE_EQ(f[4], 10);
  EXPECT_DOUBLE_EQ(f[5], 15.5);
  EXPECT_DOUBLE_EQ(f[6], 18.475);
  EXPECT_NEAR(f[10], 21.283852969, 1e-8);  // the largest overshoot, smaller than Kalman's
  EXPECT_NEAR(f[19], 20.572539994, 1e-8);
}

// 100 + 50 sin(2 pi t / 12): one-step forecasts over the fifth period.
double sine(int t) { return 100 + 50 * std::sin(2 * std::numbers::pi * t / 12); }

double mean_error_on_sine(LoadPredictor& predictor) {
  double error = 0;
  for (int t = 0; t < 60; ++t) {
    if (t >= 48) error += std::abs(predictor.predict() - sine(t));
    predictor.add(sine(t));
  }
  return error / 12;
}

TEST(LoadPredictors, Sine) {
  // With the season (12 intervals) Holt-Winters learns the shape from the
  // first two periods and then forecasts it exactly; the constant predictor
  // lags one interval (mean |y_t - y_t-1| = 16.67); a trend filter overshoots.
  HoltWintersPredictor seasonal(HoltWintersParameters{.season = 12});
  ConstantPredictor constant;
  KalmanPredictor kalman(1.0, 0.1, 10.0, 5);
  EXPECT_LT(mean_error_on_sine(seasonal), 1e-9);
  EXPECT_NEAR(mean_error_on_sine(constant), 16.6666667, 1e-6);
  EXPECT_GT(mean_error_on_sine(kalman), 16.67);
}

TEST(LoadPredictors, FactoryAndLog1p) {
  PlannerOptions options;
  options.predictor = PredictorKind::kKalman;
  EXPECT_EQ(make_load_predictor(options)->name(), "kalman");
  options.predictor = PredictorKind::kConstant;
  options.load_predictor_log1p = true;
  auto predictor = make_load_predictor(options);
  EXPECT_EQ(predictor->name(), "constant");
  predictor->add(1000);
  EXPECT_NEAR(predictor->predict(), 1000, 1e-9);  // expm1(log1p(x)) == x
  // Forecasts are never negative, even when a falling trend points below 0.
  HoltWintersPredictor falling(HoltWintersParameters{});
  for (double v : {100.0, 50.0, 0.0}) falling.add(v);
  EXPECT_EQ(falling.predict(), 0);
}

}  // namespace
}  // namespace dynop::plugins::planner
