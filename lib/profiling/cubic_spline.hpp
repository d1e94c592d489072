#pragma once
// The interpolating cubic spline with not-a-knot end conditions: what
// scipy.interpolate.interp1d(kind="cubic") builds, and so what Dynamo's
// planner uses for prefill TTFT and throughput against input length. Through
// four or more points; a cubic polynomial's samples give that polynomial back.

#include <vector>

namespace dynop::profiling {

class CubicSpline {
 public:
  // `x` strictly increasing, x.size() == y.size() >= 4 (checked by the
  // profile parser; throws std::invalid_argument otherwise).
  CubicSpline(std::vector<double> x, std::vector<double> y);

  // The spline at x; outside [x.front(), x.back()] the end pieces extend.
  double operator()(double x) const;

  double min_x() const { return x_.front(); }
  double max_x() const { return x_.back(); }

 private:
  std::vector<double> x_, y_;
  std::vector<double> m_;  // second derivative at each knot
};

}  // namespace dynop::profiling
