#include "bench/planner/svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace dynop::bench::planner {

namespace {

constexpr double kWidth = 1040, kLeft = 60, kRight = 340, kPanel = 160, kGap = 50, kTop = 40;
const char* kColors[] = {"#d62728", "#1f77b4", "#2ca02c", "#7f7f7f", "#ff7f0e", "#9467bd"};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

// One panel: axes, ticks and the lines; returns the SVG elements.
std::string panel(double top, const std::string& label, double y_max, std::size_t minutes,
                  const std::vector<PlotSeries>& series, bool crosses) {
  const double plot_w = kWidth - kLeft - kRight;
  auto x = [&](double m) { return kLeft + plot_w * m / std::max<double>(1, minutes - 1); };
  auto y = [&](double v) { return top + kPanel - kPanel * v / y_max; };
  std::string s = fmt::format(
      "<line x1='{0}' y1='{1}' x2='{0}' y2='{2}' stroke='black'/>"
      "<line x1='{0}' y1='{2}' x2='{3}' y2='{2}' stroke='black'/>"
      "<text x='{0}' y='{4}' font-size='12'>{5}</text>\n",
      kLeft, top, top + kPanel, kLeft + plot_w, top - 6, escape(label));
  for (int i = 0; i <= 4; ++i) {
    const double v = y_max * i / 4;
    s += fmt::format("<text x='{}' y='{}' font-size='10' text-anchor='end'>{:.3g}</text>",
                     kLeft - 4, y(v) + 3, v);
  }
  for (std::size_t m = 0; m < minutes; m += 10) {
    s += fmt::format("<text x='{}' y='{}' font-size='10' text-anchor='middle'>{}</text>", x(m),
                     top + kPanel + 12, m);
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    const char* color = kColors[i % std::size(kColors)];
    std::string points;
    for (std::size_t m = 0; m < series[i].values.size(); ++m) {
      points += fmt::format("{:.1f},{:.1f} ", x(m), y(series[i].values[m]));
    }
    s += fmt::format("<polyline fill='none' stroke='{}' stroke-width='1.5' points='{}'/>\n", color,
                     points);
    if (crosses) {
      for (std::size_t m = 0; m < series[i].met.size() && m < series[i].values.size(); ++m) {
        if (series[i].met[m]) continue;
        s += fmt::format(
            "<text x='{:.1f}' y='{:.1f}' font-size='10' fill='{}' "
            "text-anchor='middle'>x</text>",
            x(m), y(series[i].values[m]) + 3, color);
      }
    }
    s += fmt::format(
        "<rect x='{}' y='{}' width='12' height='3' fill='{}'/><text x='{}' y='{}' "
        "font-size='11'>{}</text>\n",
        kLeft + plot_w + 12, top + 14 * i + 4, color, kLeft + plot_w + 28, top + 14 * i + 9,
        escape(series[i].name));
  }
  return s;
}

}  // namespace

std::string render_svg(const std::vector<double>& rate_per_minute,
                       const std::vector<PlotSeries>& gpus, const std::string& title) {
  const std::size_t minutes = rate_per_minute.size();
  double rate_max = 1, gpu_max = 1;
  for (double v : rate_per_minute) rate_max = std::max(rate_max, v);
  for (const auto& s : gpus) {
    for (double v : s.values) gpu_max = std::max(gpu_max, v);
  }
  const double height = kTop + 2 * kPanel + kGap + 40;
  std::string svg = fmt::format(
      "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' "
      "font-family='sans-serif'>\n<rect width='100%' height='100%' fill='white'/>\n"
      "<text x='{}' y='18' font-size='13'>{}</text>\n",
      kWidth, height, kLeft, escape(title));
  svg += panel(kTop, "requests per second (per minute)", std::ceil(rate_max * 1.1), minutes,
               {PlotSeries{"request rate", rate_per_minute, {}}}, false);
  svg += panel(kTop + kPanel + kGap, "GPUs (prefill + decode, mean per minute)",
               std::ceil(gpu_max * 1.1), minutes, gpus, true);
  svg += fmt::format("<text x='{}' y='{}' font-size='11'>minutes of the trace</text>\n",
                     kLeft + (kWidth - kLeft - kRight) / 2 - 50, height - 8);
  return svg + "</svg>\n";
}

}  // namespace dynop::bench::planner
