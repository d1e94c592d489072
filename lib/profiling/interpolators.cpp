#include "lib/profiling/interpolators.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace dynop::profiling {

PrefillInterpolator::PrefillInterpolator(const PrefillProfile& profile)
    : ttft_(profile.isl, profile.ttft_seconds), thpt_(profile.isl, profile.thpt_per_gpu) {}

double PrefillInterpolator::clamp(double isl) const {
  return std::clamp(isl, ttft_.min_x(), ttft_.max_x());
}
double PrefillInterpolator::ttft_seconds(double isl) const { return ttft_(clamp(isl)); }
double PrefillInterpolator::thpt_per_gpu(double isl) const { return thpt_(clamp(isl)); }

namespace {

struct Point {
  double x, y;  // KV use, context length
  double itl, thpt;
};

double cross(const Point& o, const Point& a, const Point& b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

// Andrew's monotone chain, counter-clockwise, no collinear points.
std::vector<Point> convex_hull(std::vector<Point> p) {
  std::sort(p.begin(), p.end(),
            [](const Point& a, const Point& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  if (p.size() < 3) return {};
  std::vector<Point> hull(2 * p.size());
  std::size_t k = 0;
  for (const auto& pt : p) {
    while (k >= 2 && cross(hull[k - 2], hull[k - 1], pt) <= 0) --k;
    hull[k++] = pt;
  }
  for (std::size_t i = p.size() - 1, t = k + 1; i-- > 0;) {
    while (k >= t && cross(hull[k - 2], hull[k - 1], p[i]) <= 0) --k;
    hull[k++] = p[i];
  }
  hull.resize(k - 1);
  return hull;
}

bool inside(const std::vector<Point>& hull, double x, double y) {
  if (hull.size() < 3) return false;
  const Point q{x, y, 0, 0};
  for (std::size_t i = 0; i < hull.size(); ++i) {
    const Point& a = hull[i];
    const Point& b = hull[(i + 1) % hull.size()];
    // Relative tolerance: the edges are exact, rounding is not.
    const double len = std::hypot(b.x - a.x, b.y - a.y);
    if (cross(a, b, q) < -1e-9 * len * (1 + std::abs(q.y))) return false;
  }
  return true;
}

}  // namespace

DecodeInterpolator::DecodeInterpolator(const DecodeProfile& profile, int resolution)
    : resolution_(resolution), max_kv_tokens_(profile.max_kv_tokens) {
  std::vector<Point> points;
  for (std::size_t i = 0; i < profile.kv_usage.size(); ++i) {
    points.push_back({profile.kv_usage[i], profile.context_length[i], profile.itl_seconds[i],
                      profile.thpt_per_gpu[i]});
  }
  max_context_ = 0;
  for (const auto& p : points) max_context_ = std::max(max_context_, p.y);
  // Measured context lengths, each with its points in KV order.
  std::map<double, std::vector<Point>> rows;
  for (const auto& p : points) rows[p.y].push_back(p);
  for (auto& [y, row] : rows) {
    std::sort(row.begin(), row.end(), [](const Point& a, const Point& b) { return a.x < b.x; });
  }
  auto along_row = [](const std::vector<Point>& row, double x, bool itl) {
    auto value = [itl](const Point& p) { return itl ? p.itl : p.thpt; };
    if (x <= row.front().x) return value(row.front());
    if (x >= row.back().x) return value(row.back());
    auto hi = std::upper_bound(row.begin(), row.end(), x,
                               [](double v, const Point& p) { return v < p.x; });
    auto lo = hi - 1;
    const double t = hi->x == lo->x ? 0 : (x - lo->x) / (hi->x - lo->x);
    return value(*lo) + t * (value(*hi) - value(*lo));
  };
  auto linear = [&](double x, double y, bool itl) {
    auto hi = rows.lower_bound(y);
    if (hi == rows.end()) return along_row(std::prev(hi)->second, x, itl);
    if (hi->first == y || hi == rows.begin()) return along_row(hi->second, x, itl);
    auto lo = std::prev(hi);
    const double t = (y - lo->first) / (hi->first - lo->first);
    const double a = along_row(lo->second, x, itl);
    return a + t * (along_row(hi->second, x, itl) - a);
  };
  const std::vector<Point> hull = convex_hull(points);
  itl_.resize(static_cast<std::size_t>(resolution_) * resolution_);
  thpt_.resize(itl_.size());
  for (int iy = 0; iy < resolution_; ++iy) {
    const double y = max_context_ * iy / (resolution_ - 1);
    for (int ix = 0; ix < resolution_; ++ix) {
      const double x = static_cast<double>(ix) / (resolution_ - 1);
      const std::size_t at = static_cast<std::size_t>(iy) * resolution_ + ix;
      if (inside(hull, x, y)) {
        itl_[at] = linear(x, y, true);
        thpt_[at] = linear(x, y, false);
        continue;
      }
      // Nearest measured point, in the raw coordinates as scipy's griddata.
      const Point* best = &points.front();
      double best_d = std::numeric_limits<double>::infinity();
      for (const auto& p : points) {
        const double d = (p.x - x) * (p.x - x) + (p.y - y) * (p.y - y);
        if (d < best_d) {
          best_d = d;
          best = &p;
        }
      }
      itl_[at] = best->itl;
      thpt_[at] = best->thpt;
    }
  }
}

int DecodeInterpolator::index_x(double kv_usage) const {
  // np.round: halves to even, as nearbyint in the default rounding mode.
  const double i = std::nearbyint(kv_usage * (resolution_ - 1));
  return static_cast<int>(std::clamp(i, 0.0, static_cast<double>(resolution_ - 1)));
}

int DecodeInterpolator::index_y(double context_length) const {
  const double step = max_context_ / (resolution_ - 1);
  const double i = std::nearbyint(context_length / step);
  return static_cast<int>(std::clamp(i, 0.0, static_cast<double>(resolution_ - 1)));
}

double DecodeInterpolator::itl_seconds(double kv_usage, double context_length) const {
  return itl_[static_cast<std::size_t>(index_y(context_length)) * resolution_ + index_x(kv_usage)];
}

double DecodeInterpolator::thpt_per_gpu(double kv_usage, double context_length) const {
  return thpt_[static_cast<std::size_t>(index_y(context_length)) * resolution_ + index_x(kv_usage)];
}

double DecodeInterpolator::itl_at_concurrency(double concurrency, double context_length) const {
  return itl_seconds(concurrency * context_length / max_kv_tokens_, context_length);
}

DecodeInterpolator::Best DecodeInterpolator::best_throughput_per_gpu(double itl_seconds,
                                                                     double context_length) const {
  const std::size_t row = static_cast<std::size_t>(index_y(context_length)) * resolution_;
  // Not a binary search: the interpolated ITL need not be monotonic in KV use.
  for (int ix = resolution_ - 1; ix >= 0; --ix) {
    if (itl_[row + ix] <= itl_seconds) {
      return {thpt_[row + ix], itl_[row + ix], static_cast<double>(ix) / (resolution_ - 1)};
    }
  }
  return {thpt_[row], itl_[row], 0.0};
}

}  // namespace dynop::profiling
