#pragma once
// Predicts the next adjustment interval's value of one load series (request
// count, mean input length, mean output length) from the values observed so
// far, one value per interval, as upstream's planner predictors do
// (dynamo/planner/utils/load_predictor.py). Not thread-safe: one per series.

#include <memory>
#include <string_view>

#include "plugins/planner/planner_options.hpp"

namespace dynop::plugins::planner {

class LoadPredictor {
 public:
  virtual ~LoadPredictor() = default;

  // One observed value (>= 0) of the interval that just ended.
  virtual void add(double value) = 0;
  // The next interval's value (>= 0); 0 before the first observation.
  virtual double predict() const = 0;
  virtual std::string_view name() const = 0;
};

// The predictor `options` select (`--load-predictor`, its parameters and
// `--load-predictor-log1p`: then the predictor models log1p of the values
// and predicts expm1 of its forecast, so a burst weighs less than its size).
std::unique_ptr<LoadPredictor> make_load_predictor(const PlannerOptions& options);

}  // namespace dynop::plugins::planner
