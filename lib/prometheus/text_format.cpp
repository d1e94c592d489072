#include "lib/prometheus/text_format.hpp"

#include <cctype>
#include <charconv>

#include "lib/prometheus/query_client.hpp"

namespace dynop::prometheus {
using apimachinery::Error;
using apimachinery::Result;

namespace {

bool name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool name_char(char c) { return name_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

void skip_blanks(std::string_view line, std::size_t& i) {
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
}

std::string_view read_name(std::string_view line, std::size_t& i) {
  const std::size_t start = i;
  if (i < line.size() && name_start(line[i])) {
    ++i;
    while (i < line.size() && name_char(line[i])) ++i;
  }
  return line.substr(start, i - start);
}

Result<TextSample> parse_sample(std::string_view line) {
  TextSample sample;
  std::size_t i = 0;
  sample.name = std::string(read_name(line, i));
  if (sample.name.empty()) return Error{"expected a metric name"};
  skip_blanks(line, i);
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      skip_blanks(line, i);
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      std::string label(read_name(line, i));
      if (label.empty()) return Error{"expected a label name"};
      skip_blanks(line, i);
      if (i >= line.size() || line[i] != '=') return Error{"expected '=' after label " + label};
      ++i;
      skip_blanks(line, i);
      if (i >= line.size() || line[i] != '"') return Error{"expected '\"' for label " + label};
      ++i;
      std::string value;
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < line.size()) {
          char e = line[i++];
          value += e == 'n' ? '\n' : e;
          continue;
        }
        value += c;
      }
      if (!closed) return Error{"unterminated value for label " + label};
      sample.labels[label] = std::move(value);
      skip_blanks(line, i);
      if (i < line.size() && line[i] == ',') ++i;
    }
  }
  skip_blanks(line, i);
  std::size_t start = i;
  while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
  auto value = parse_sample_value(std::string(line.substr(start, i - start)));
  if (!value) return Error{"invalid value \"" + std::string(line.substr(start, i - start)) + "\""};
  sample.value = *value;
  skip_blanks(line, i);
  if (i < line.size()) {
    start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    int64_t ts = 0;
    auto [ptr, ec] = std::from_chars(line.data() + start, line.data() + i, ts);
    if (ec != std::errc() || ptr != line.data() + i) {
      return Error{"invalid timestamp \"" + std::string(line.substr(start, i - start)) + "\""};
    }
    sample.timestamp_ms = ts;
    skip_blanks(line, i);
    if (i < line.size()) return Error{"unexpected text after the timestamp"};
  }
  return sample;
}

// HELP text escapes only backslash and newline.
std::string unescape_help(std::string_view text) {
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

const TextSample* TextExposition::find(std::string_view name,
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

Result<TextExposition> parse_text_format(std::string_view text) {
  TextExposition out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t i = 0;
    skip_blanks(line, i);
    line.remove_prefix(i);
    if (line.empty()) continue;
    if (line.front() == '#') {
      // "# TYPE name type" and "# HELP name text"; other comments carry nothing.
      if (line.starts_with("# TYPE ") || line.starts_with("# HELP ")) {
        std::string_view rest = line.substr(7);
        auto sp = rest.find(' ');
        if (sp != std::string_view::npos) {
          const std::string name(rest.substr(0, sp));
          if (line[2] == 'T') {
            out.types[name] = std::string(rest.substr(sp + 1));
          } else {
            out.help[name] = unescape_help(rest.substr(sp + 1));
          }
        }
      }
      continue;
    }
    auto sample = parse_sample(line);
    if (!sample) return Error{"line " + std::to_string(line_no) + ": " + sample.error()};
    out.samples.push_back(std::move(*sample));
  }
  return out;
}

}  // namespace dynop::prometheus
