#pragma once
// The shared H200 profile as the planner interpolates it, built once for the
// test binary (the replica calculator's and the graph planner's tests).

#include "plugins/planner/replica_calculator.hpp"
#include "tests/support/reference_profiles.hpp"

namespace dynop::plugins::planner {

inline const EngineModel& h200() {
  static const EngineModel model(test::h200_llama31_8b_profile());
  return model;
}

}  // namespace dynop::plugins::planner
