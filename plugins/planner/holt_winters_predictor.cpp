#include "plugins/planner/holt_winters_predictor.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace dynop::plugins::planner {

HoltWintersPredictor::HoltWintersPredictor(HoltWintersParameters parameters) : p_(parameters) {
  // Two seasons are needed to start the seasonal terms.
  if (p_.season >= 2) p_.window = std::max(p_.window, 2 * p_.season);
}

void HoltWintersPredictor::add(double value) {
  history_.push_back(value);
  while (static_cast<int>(history_.size()) > p_.window) history_.pop_front();
}

double HoltWintersPredictor::predict() const {
  if (history_.empty()) return 0;
  const bool seasonal_fit = p_.season >= 2 && static_cast<int>(history_.size()) >= 2 * p_.season;
  return std::max(0.0, seasonal_fit ? seasonal() : holt_linear());
}

double HoltWintersPredictor::holt_linear() const {
  if (history_.size() == 1) return history_.front();
  double level = history_[0];
  double trend = history_[1] - history_[0];
  for (std::size_t t = 1; t < history_.size(); ++t) {
    const double previous = level;
    level = p_.alpha * history_[t] + (1 - p_.alpha) * (level + trend);
    trend = p_.beta * (level - previous) + (1 - p_.beta) * trend;
  }
  return level + trend;
}

double HoltWintersPredictor::seasonal() const {
  const auto m = static_cast<std::size_t>(p_.season);
  const double first = std::accumulate(history_.begin(), history_.begin() + m, 0.0) / m;
  const double second = std::accumulate(history_.begin() + m, history_.begin() + 2 * m, 0.0) / m;
  double level = first;
  double trend = (second - first) / m;
  std::vector<double> season(history_.size());
  for (std::size_t i = 0; i < m; ++i) season[i] = history_[i] - first;
  for (std::size_t t = m; t < history_.size(); ++t) {
    const double previous = level;
    level = p_.alpha * (history_[t] - season[t - m]) + (1 - p_.alpha) * (level + trend);
    trend = p_.beta * (level - previous) + (1 - p_.beta) * trend;
    season[t] = p_.gamma * (history_[t] - level) + (1 - p_.gamma) * season[t - m];
  }
  return level + trend + season[history_.size() - m];
}

}  // namespace dynop::plugins::planner
