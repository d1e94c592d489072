#pragma once
// Upstream's `kalman` predictor: a local linear trend model (a level that
// moves by a trend, both with process noise) filtered one observation at a
// time; the forecast is level + trend. Before `min_points` observations it
// predicts the last value, as upstream.
//
//   state x = [level, trend], x' = F x with F = [[1, 1], [0, 1]]
//   process noise Q = diag(q_level, q_trend), measurement y = level + noise(r)
//   the first observation y0 starts x = [y0, 0], P = diag(r, r)

#include <array>

#include "plugins/planner/load_predictor.hpp"

namespace dynop::plugins::planner {

class KalmanPredictor final : public LoadPredictor {
 public:
  KalmanPredictor(double q_level, double q_trend, double r, int min_points);

  void add(double value) override;
  double predict() const override;
  std::string_view name() const override { return "kalman"; }

  double level() const { return x_[0]; }
  double trend() const { return x_[1]; }

 private:
  double q_level_, q_trend_, r_;
  int min_points_;
  int points_ = 0;
  double last_ = 0;
  std::array<double, 2> x_{0, 0};
  std::array<double, 4> p_{0, 0, 0, 0};  // row-major 2x2 covariance
};

}  // namespace dynop::plugins::planner
