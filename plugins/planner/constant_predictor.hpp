#pragma once
// Upstream's `constant` predictor: the next interval looks like the last.

#include "plugins/planner/load_predictor.hpp"

namespace dynop::plugins::planner {

class ConstantPredictor final : public LoadPredictor {
 public:
  void add(double value) override { last_ = value; }
  double predict() const override { return last_; }
  std::string_view name() const override { return "constant"; }

 private:
  double last_ = 0;
};

}  // namespace dynop::plugins::planner
