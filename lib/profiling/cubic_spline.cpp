#include "lib/profiling/cubic_spline.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace dynop::profiling {
namespace {

// Dense Gaussian elimination with partial pivoting: profiles have a few dozen
// points, so the not-a-knot system (not quite tridiagonal) is solved as is.
std::vector<double> solve(std::vector<std::vector<double>> a, std::vector<double> b) {
  const std::size_t n = b.size();
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t row = col + 1; row < n; ++row) {
      if (std::abs(a[row][col]) > std::abs(a[pivot][col])) pivot = row;
    }
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    if (a[col][col] == 0) throw std::invalid_argument("cubic spline: singular system");
    for (std::size_t row = col + 1; row < n; ++row) {
      const double f = a[row][col] / a[col][col];
      if (f == 0) continue;
      for (std::size_t k = col; k < n; ++k) a[row][k] -= f * a[col][k];
      b[row] -= f * b[col];
    }
  }
  std::vector<double> x(n);
  for (std::size_t i = n; i-- > 0;) {
    double s = b[i];
    for (std::size_t k = i + 1; k < n; ++k) s -= a[i][k] * x[k];
    x[i] = s / a[i][i];
  }
  return x;
}

}  // namespace

CubicSpline::CubicSpline(std::vector<double> x, std::vector<double> y)
    : x_(std::move(x)), y_(std::move(y)) {
  const std::size_t n = x_.size();
  if (n < 4 || y_.size() != n) {
    throw std::invalid_argument("cubic spline: needs at least 4 points, as many x as y");
  }
  std::vector<double> h(n - 1);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    h[i] = x_[i + 1] - x_[i];
    if (!(h[i] > 0)) throw std::invalid_argument("cubic spline: x must be strictly increasing");
  }
  std::vector<std::vector<double>> a(n, std::vector<double>(n, 0.0));
  std::vector<double> b(n, 0.0);
  // Not-a-knot: the third derivative is continuous at the second and the
  // second-to-last knots (the first two and the last two pieces are one cubic).
  a[0][0] = -h[1];
  a[0][1] = h[0] + h[1];
  a[0][2] = -h[0];
  for (std::size_t i = 1; i + 1 < n; ++i) {
    a[i][i - 1] = h[i - 1];
    a[i][i] = 2 * (h[i - 1] + h[i]);
    a[i][i + 1] = h[i];
    b[i] = 6 * ((y_[i + 1] - y_[i]) / h[i] - (y_[i] - y_[i - 1]) / h[i - 1]);
  }
  a[n - 1][n - 3] = -h[n - 2];
  a[n - 1][n - 2] = h[n - 3] + h[n - 2];
  a[n - 1][n - 1] = -h[n - 3];
  m_ = solve(std::move(a), std::move(b));
}

double CubicSpline::operator()(double x) const {
  const std::size_t n = x_.size();
  // The piece [x_i, x_i+1] holding x; the end pieces extend beyond the data.
  std::size_t i = static_cast<std::size_t>(std::upper_bound(x_.begin(), x_.end(), x) - x_.begin());
  i = std::clamp<std::size_t>(i, 1, n - 1) - 1;
  const double h = x_[i + 1] - x_[i];
  const double left = x_[i + 1] - x;
  const double right = x - x_[i];
  return m_[i] * left * left * left / (6 * h) + m_[i + 1] * right * right * right / (6 * h) +
         (y_[i] / h - m_[i] * h / 6) * left + (y_[i + 1] / h - m_[i + 1] * h / 6) * right;
}

}  // namespace dynop::profiling
