#include "lib/metrics/exposition.hpp"

#include <charconv>
#include <cmath>

namespace dynop::metrics {
namespace {

void number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
  }
}

void escaped(std::string& out, const std::string& v, bool quote) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void sample(std::string& out, const std::string& name,
            const std::vector<::prometheus::ClientMetric::Label>& labels, const char* extra_name,
            const std::string& extra_value, double value, std::int64_t timestamp_ms) {
  out += name;
  if (!labels.empty() || extra_name != nullptr) {
    out += '{';
    bool first = true;
    for (const auto& l : labels) {
      if (!first) out += ',';
      first = false;
      out += l.name;
      out += "=\"";
      escaped(out, l.value, true);
      out += '"';
    }
    if (extra_name != nullptr) {
      if (!first) out += ',';
      out += extra_name;
      out += "=\"";
      out += extra_value;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  number(out, value);
  if (timestamp_ms != 0) {
    out += ' ';
    out += std::to_string(timestamp_ms);
  }
  out += '\n';
}

const char* type_name(::prometheus::MetricType t) {
  switch (t) {
    case ::prometheus::MetricType::Counter:
      return "counter";
    case ::prometheus::MetricType::Gauge:
      return "gauge";
    case ::prometheus::MetricType::Histogram:
      return "histogram";
    case ::prometheus::MetricType::Summary:
      return "summary";
    default:
      return "untyped";
  }
}

}  // namespace

std::string text_exposition(const std::vector<::prometheus::MetricFamily>& families) {
  std::string out;
  for (const auto& f : families) {
    if (!f.help.empty()) {
      out += "# HELP " + f.name + " ";
      escaped(out, f.help, false);
      out += '\n';
    }
    out += "# TYPE " + f.name + " " + type_name(f.type) + "\n";
    for (const auto& m : f.metric) {
      switch (f.type) {
        case ::prometheus::MetricType::Counter:
          sample(out, f.name, m.label, nullptr, "", m.counter.value, m.timestamp_ms);
          break;
        case ::prometheus::MetricType::Gauge:
          sample(out, f.name, m.label, nullptr, "", m.gauge.value, m.timestamp_ms);
          break;
        case ::prometheus::MetricType::Histogram: {
          for (const auto& b : m.histogram.bucket) {
            std::string le;
            number(le, b.upper_bound);
            sample(out, f.name + "_bucket", m.label, "le", le,
                   static_cast<double>(b.cumulative_count), m.timestamp_ms);
          }
          sample(out, f.name + "_sum", m.label, nullptr, "", m.histogram.sample_sum,
                 m.timestamp_ms);
          sample(out, f.name + "_count", m.label, nullptr, "",
                 static_cast<double>(m.histogram.sample_count), m.timestamp_ms);
          break;
        }
        default:
          sample(out, f.name, m.label, nullptr, "", m.untyped.value, m.timestamp_ms);
          break;
      }
    }
  }
  return out;
}

std::string text_exposition(const ::prometheus::Collectable& collectable) {
  return text_exposition(collectable.Collect());
}

}  // namespace dynop::metrics
