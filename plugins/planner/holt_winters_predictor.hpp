#pragma once
// Additive Holt-Winters (triple exponential smoothing): a level, a trend and,
// when `season` >= 2, a seasonal term of that many intervals, refitted over
// the last `window` observations at each prediction. dynop's predictor for a
// load with a trend or a daily shape (upstream's ARIMA and Prophet play that
// part there).
//
//   level   l_t = alpha (y_t - s_{t-m}) + (1 - alpha)(l_{t-1} + b_{t-1})
//   trend   b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1}
//   season  s_t = gamma (y_t - l_t) + (1 - gamma) s_{t-m}
//   forecast    l_n + b_n + s_{n+1-m}
//
// Without a season, or before two whole seasons are seen, it is Holt's
// linear method (s = 0) started at l_0 = y_0, b_0 = y_1 - y_0. With a
// season it starts from the first two seasons: l = the first season's mean,
// b = (second mean - first mean) / m, s_i = y_i - l for the first season.

#include <deque>

#include "plugins/planner/load_predictor.hpp"

namespace dynop::plugins::planner {

struct HoltWintersParameters {
  double alpha = 0.5;
  double beta = 0.1;
  double gamma = 0.3;
  int season = 0;   // intervals; 0: none
  int window = 50;  // observations kept
};

class HoltWintersPredictor final : public LoadPredictor {
 public:
  explicit HoltWintersPredictor(HoltWintersParameters parameters);

  void add(double value) override;
  double predict() const override;
  std::string_view name() const override { return "holt-winters"; }

 private:
  double holt_linear() const;
  double seasonal() const;

  HoltWintersParameters p_;
  std::deque<double> history_;
};

}  // namespace dynop::plugins::planner
