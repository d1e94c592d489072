#include "tests/support/prometheus_text.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>

namespace dynop::test {
namespace {

bool name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}

std::optional<double> parse_value(const std::string& text) {
  if (text == "+Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  if (text == "NaN" || text == "Nan") return std::numeric_limits<double>::quiet_NaN();
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Reads one sample line; false and `why` when it is malformed.
bool parse_sample(const std::string& line, MetricSample& sample, std::string& why) {
  std::size_t i = 0;
  while (i < line.size() && name_char(line[i], i == 0)) sample.name += line[i++];
  if (sample.name.empty()) return why = "no metric name", false;
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      std::string key;
      while (i < line.size() && name_char(line[i], key.empty()) && line[i] != ':') key += line[i++];
      if (key.empty() || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
        return why = "bad label", false;
      }
      i += 2;
      std::string value;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\' && i + 1 < line.size()) {
          ++i;
          value += line[i] == 'n' ? '\n' : line[i];
        } else {
          value += line[i];
        }
        ++i;
      }
      if (i >= line.size()) return why = "unterminated label value", false;
      ++i;
      if (!sample.labels.emplace(key, value).second) return why = "label " + key + " twice", false;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return why = "unterminated label set", false;
    ++i;
  }
  if (i >= line.size() || line[i] != ' ') return why = "no value", false;
  std::string rest = line.substr(i + 1);
  // An optional timestamp follows the value.
  if (auto space = rest.find(' '); space != std::string::npos) rest.resize(space);
  auto value = parse_value(rest);
  if (!value) return why = "bad value \"" + rest + "\"", false;
  sample.value = *value;
  return true;
}

std::string unescape_help(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      ++i;
      out += text[i] == 'n' ? '\n' : text[i];
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

const MetricSample* MetricExposition::find(const std::string& name,
                                           const std::map<std::string, std::string>& labels) const {
  for (const auto& sample : samples) {
    if (sample.name != name) continue;
    bool all = true;
    for (const auto& [key, value] : labels) {
      auto it = sample.labels.find(key);
      all = all && it != sample.labels.end() && it->second == value;
    }
    if (all) return &sample;
  }
  return nullptr;
}

std::optional<MetricExposition> parse_exposition(const std::string& text, std::string& error) {
  MetricExposition out;
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto fail = [&](const std::string& why) {
      error = "line " + std::to_string(number) + ": " + why + ": " + line;
      return std::nullopt;
    };
    if (line.empty()) continue;
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      const std::string rest = line.substr(7);
      const auto space = rest.find(' ');
      if (space == std::string::npos) return fail("comment without text");
      const std::string name = rest.substr(0, space);
      if (line[2] == 'H') {
        out.help[name] = unescape_help(rest.substr(space + 1));
      } else {
        out.type[name] = rest.substr(space + 1);
      }
      continue;
    }
    if (line.starts_with("#")) continue;
    MetricSample sample;
    std::string why;
    if (!parse_sample(line, sample, why)) return fail(why);
    out.samples.push_back(std::move(sample));
  }
  return out;
}

}  // namespace dynop::test
