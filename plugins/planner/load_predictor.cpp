#include "plugins/planner/load_predictor.hpp"

#include <algorithm>
#include <cmath>

#include "plugins/planner/constant_predictor.hpp"
#include "plugins/planner/holt_winters_predictor.hpp"
#include "plugins/planner/kalman_predictor.hpp"

namespace dynop::plugins::planner {

namespace {

// --load-predictor-log1p: the inner predictor sees log1p(value).
class Log1pPredictor final : public LoadPredictor {
 public:
  explicit Log1pPredictor(std::unique_ptr<LoadPredictor> inner) : inner_(std::move(inner)) {}
  void add(double value) override { inner_->add(std::log1p(std::max(0.0, value))); }
  double predict() const override { return std::max(0.0, std::expm1(inner_->predict())); }
  std::string_view name() const override { return inner_->name(); }

 private:
  std::unique_ptr<LoadPredictor> inner_;
};

}  // namespace

std::unique_ptr<LoadPredictor> make_load_predictor(const PlannerOptions& options) {
  std::unique_ptr<LoadPredictor> predictor;
  switch (options.predictor) {
    case PredictorKind::kConstant:
      predictor = std::make_unique<ConstantPredictor>();
      break;
    case PredictorKind::kKalman:
      predictor = std::make_unique<KalmanPredictor>(options.kalman_q_level, options.kalman_q_trend,
                                                    options.kalman_r, options.kalman_min_points);
      break;
    case PredictorKind::kHoltWinters:
      predictor = std::make_unique<HoltWintersPredictor>(HoltWintersParameters{
          .season = options.holt_winters_season, .window = options.prophet_window_size});
      break;
  }
  if (options.load_predictor_log1p) {
    predictor = std::make_unique<Log1pPredictor>(std::move(predictor));
  }
  return predictor;
}

}  // namespace dynop::plugins::planner
