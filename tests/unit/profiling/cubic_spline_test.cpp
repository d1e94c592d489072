#include "lib/profiling/cubic_spline.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace dynop::profiling {
namespace {

TEST(CubicSpline, PassesThroughEveryPoint) {
  CubicSpline s({100, 1117, 2134, 3151, 4168}, {19.5, 38.5, 50.0, 63.2, 87.3});
  EXPECT_NEAR(s(100), 19.5, 1e-9);
  EXPECT_NEAR(s(1117), 38.5, 1e-9);
  EXPECT_NEAR(s(3151), 63.2, 1e-9);
  EXPECT_NEAR(s(4168), 87.3, 1e-9);
}

// Not-a-knot end conditions make the spline of a cubic polynomial's samples
// that polynomial, between and beyond the points (natural splines do not).
TEST(CubicSpline, ReproducesACubicPolynomial) {
  auto f = [](double x) { return 2 * x * x * x - 3 * x * x + x - 7; };
  std::vector<double> xs{0, 1, 2.5, 3, 5, 8};
  std::vector<double> ys;
  for (double x : xs) ys.push_back(f(x));
  CubicSpline s(xs, ys);
  for (double x : {0.5, 1.7, 2.75, 4.0, 6.3, 7.9}) EXPECT_NEAR(s(x), f(x), 1e-9) << x;
}

TEST(CubicSpline, FourPointsAreOneCubic) {
  auto f = [](double x) { return x * x * x + 1; };
  CubicSpline s({0, 1, 2, 3}, {f(0), f(1), f(2), f(3)});
  EXPECT_NEAR(s(1.5), f(1.5), 1e-9);
}

TEST(CubicSpline, RefusesTooFewOrUnorderedPoints) {
  EXPECT_THROW(CubicSpline({0, 1, 2}, {0, 1, 2}), std::invalid_argument);
  EXPECT_THROW(CubicSpline({0, 2, 1, 3}, {0, 1, 2, 3}), std::invalid_argument);
}

}  // namespace
}  // namespace dynop::profiling
