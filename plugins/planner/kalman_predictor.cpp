#include "plugins/planner/kalman_predictor.hpp"

#include <algorithm>

namespace dynop::plugins::planner {

KalmanPredictor::KalmanPredictor(double q_level, double q_trend, double r, int min_points)
    : q_level_(q_level), q_trend_(q_trend), r_(r), min_points_(min_points) {}

void KalmanPredictor::add(double value) {
  last_ = value;
  if (points_++ == 0) {
    x_ = {value, 0};
    p_ = {r_, 0, 0, r_};
    return;
  }
  // Predict: x = F x, P = F P F^T + Q.
  const double l = x_[0] + x_[1];
  const double b = x_[1];
  const double p00 = p_[0] + p_[1] + p_[2] + p_[3] + q_level_;
  const double p01 = p_[1] + p_[3];
  const double p10 = p_[2] + p_[3];
  const double p11 = p_[3] + q_trend_;
  // Update with y = level + noise: gain K = P H^T / (H P H^T + r), H = [1, 0].
  const double s = p00 + r_;
  const double k0 = p00 / s;
  const double k1 = p10 / s;
  const double innovation = value - l;
  x_ = {l + k0 * innovation, b + k1 * innovation};
  p_ = {(1 - k0) * p00, (1 - k0) * p01, p10 - k1 * p00, p11 - k1 * p01};
}

double KalmanPredictor::predict() const {
  if (points_ < min_points_) return last_;
  return std::max(0.0, x_[0] + x_[1]);
}

}  // namespace dynop::plugins::planner
