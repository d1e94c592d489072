#pragma once
// The benchmark's time series as a self-contained SVG (no plotting stack):
// the request rate on top, each policy's GPUs per minute below, with a cross
// on every minute a policy missed the SLA.

#include <string>
#include <vector>

namespace dynop::bench::planner {

struct PlotSeries {
  std::string name;
  std::vector<double> values;  // per minute
  std::vector<bool> met;       // per minute: SLA met
};

std::string render_svg(const std::vector<double>& rate_per_minute,
                       const std::vector<PlotSeries>& gpus, const std::string& title);

}  // namespace dynop::bench::planner
