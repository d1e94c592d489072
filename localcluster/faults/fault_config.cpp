#include "localcluster/faults/fault_config.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/go_quote.hpp"

namespace dynop::localcluster::faults {

namespace json = boost::json;
namespace ap = dynop::apimachinery;

namespace {

constexpr int kMaxRetryAfterSeconds = 3600;
constexpr int kMaxLatencyMs = 600000;
const std::vector<std::string> kSupportedCodes = {"409", "429", "500"};

// Each check returns the detail of what is wrong, shared by the JSON and the
// flag readers so both word a bad value the same way.
std::optional<std::string> check_rate(double rate) {
  if (!(rate >= 0 && rate <= 1)) return "must be between 0 and 1";
  return std::nullopt;
}

bool supported_code(long long code) { return code == 409 || code == 429 || code == 500; }

std::optional<std::string> check_range(long long value, long long max) {
  if (value < 0 || value > max) return "must be between 0 and " + std::to_string(max);
  return std::nullopt;
}

std::optional<long long> integral(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    return static_cast<long long>(
        std::min<std::uint64_t>(v.get_uint64(), std::numeric_limits<long long>::max()));
  }
  if (v.is_double() && std::trunc(v.get_double()) == v.get_double() &&
      std::abs(v.get_double()) < 1e15) {
    return static_cast<long long>(v.get_double());
  }
  return std::nullopt;
}

std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view part = list.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

bool FaultConfig::applies_to(std::string_view resource, std::string_view subresource,
                             std::string_view name) const {
  if (!names.empty() && std::find(names.begin(), names.end(), name) == names.end()) return false;
  if (resources.empty()) return true;
  const std::string with_subresource =
      subresource.empty() ? std::string() : std::string(resource) + "/" + std::string(subresource);
  return std::any_of(resources.begin(), resources.end(), [&](const std::string& r) {
    return r == resource || (!with_subresource.empty() && r == with_subresource);
  });
}

json::object to_json(const FaultConfig& config) {
  json::array resources;
  for (const auto& r : config.resources) resources.emplace_back(r);
  json::array names;
  for (const auto& n : config.names) names.emplace_back(n);
  // 0 and 1 as integers, the way the document reads in the README (Boost.JSON
  // writes any double in exponent form: 0E0).
  json::value rate = config.write_error_rate;
  if (config.write_error_rate == 0 || config.write_error_rate == 1) {
    rate = static_cast<std::int64_t>(config.write_error_rate);
  }
  return json::object{{"writeErrorRate", std::move(rate)},
                      {"writeErrorCode", config.write_error_code},
                      {"retryAfterSeconds", config.retry_after_seconds},
                      {"latencyMs", config.latency_ms},
                      {"resources", std::move(resources)},
                      {"names", std::move(names)}};
}

ap::Result<FaultConfig> apply_json(FaultConfig config, std::string_view body) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return ap::Error{"the body is not valid JSON: " + ec.message()};
  if (!doc.is_object()) return ap::Error{"the body must be a JSON object"};
  std::vector<std::string> errors;
  auto invalid = [&](std::string_view field, const json::value& value, std::string detail) {
    errors.push_back(ap::to_string(
        ap::invalid_error(std::string(field), ap::render_bad_value(value), std::move(detail))));
  };
  auto integer_field = [&](std::string_view field, const json::value& value, long long max,
                           int& out) {
    auto number = integral(value);
    if (!number) return invalid(field, value, "must be an integer");
    if (auto wrong = check_range(*number, max)) return invalid(field, value, *wrong);
    out = static_cast<int>(*number);
  };
  for (const auto& [key, value] : doc.get_object()) {
    if (key == "writeErrorRate") {
      if (!value.is_number()) {
        invalid(key, value, "must be a number");
        continue;
      }
      double rate = value.to_number<double>();
      if (auto wrong = check_rate(rate)) {
        invalid(key, value, *wrong);
        continue;
      }
      config.write_error_rate = rate;
    } else if (key == "writeErrorCode") {
      auto code = integral(value);
      if (!code || !supported_code(*code)) {
        errors.push_back(ap::to_string(ap::not_supported_error(
            std::string(key), ap::render_bad_value(value), kSupportedCodes)));
        continue;
      }
      config.write_error_code = static_cast<int>(*code);
    } else if (key == "retryAfterSeconds") {
      integer_field(key, value, kMaxRetryAfterSeconds, config.retry_after_seconds);
    } else if (key == "latencyMs") {
      integer_field(key, value, kMaxLatencyMs, config.latency_ms);
    } else if (key == "resources") {
      if (!value.is_array()) {
        invalid(key, value, "must be a list of plural resource names");
        continue;
      }
      std::vector<std::string> resources;
      const auto& list = value.get_array();
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_string() || list[i].get_string().empty()) {
          invalid(std::string(key) + "[" + std::to_string(i) + "]", list[i],
                  "must be a plural resource name");
          continue;
        }
        resources.emplace_back(list[i].get_string());
      }
      config.resources = std::move(resources);
    } else if (key == "names") {
      if (!value.is_array()) {
        invalid(key, value, "must be a list of object names");
        continue;
      }
      std::vector<std::string> names;
      const auto& list = value.get_array();
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_string() || list[i].get_string().empty()) {
          invalid(std::string(key) + "[" + std::to_string(i) + "]", list[i],
                  "must be an object name");
          continue;
        }
        names.emplace_back(list[i].get_string());
      }
      config.names = std::move(names);
    } else if (key == "injectedFailures") {
      // A counter: reported by GET, ignored when a document comes back.
    } else {
      errors.push_back("unknown field " + ap::go_quote(key));
    }
  }
  if (!errors.empty()) return ap::Error{ap::aggregate_strings(errors)};
  return config;
}

ap::Result<void> apply_flag(FaultConfig& config, std::string_view flag, std::string_view value) {
  auto fail = [&](std::string_view detail) {
    return ap::Error{std::string(flag) + ": invalid value " + ap::go_quote(value) + ": " +
                     std::string(detail)};
  };
  auto integer = [&](long long max, int& out) -> ap::Result<void> {
    int number = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
      return fail("must be an integer");
    }
    if (auto wrong = check_range(number, max)) return fail(*wrong);
    out = number;
    return {};
  };
  if (flag == "--fault-write-error-rate") {
    double rate = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), rate);
    if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
      return fail("must be a number between 0 and 1");
    }
    if (auto wrong = check_rate(rate)) return fail(*wrong);
    config.write_error_rate = rate;
    return {};
  }
  if (flag == "--fault-write-error-code") {
    int code = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), code);
    if (ec != std::errc() || end != value.data() + value.size() || !supported_code(code)) {
      return fail("supported values: 409, 429, 500");
    }
    config.write_error_code = code;
    return {};
  }
  if (flag == "--fault-retry-after")
    return integer(kMaxRetryAfterSeconds, config.retry_after_seconds);
  if (flag == "--fault-latency") return integer(kMaxLatencyMs, config.latency_ms);
  if (flag == "--fault-resources") {
    config.resources = split_list(value);
    return {};
  }
  if (flag == "--fault-names") {
    config.names = split_list(value);
    return {};
  }
  return ap::Error{"unknown flag " + std::string(flag)};
}

boost::program_options::options_description fault_flags(FaultConfig& config) {
  namespace po = boost::program_options;
  po::options_description out(
      "Fault injection (tests; all can be changed while running: GET/PUT /admin/faults)", 100, 50);
  auto flag = [&out, &config](const char* name, const char* value_name, const char* help) {
    out.add_options()(name,
                      po::value<std::string>()
                          ->value_name(value_name)
                          ->notifier([&config, name](const std::string& value) {
                            auto applied = apply_flag(config, std::string("--") + name, value);
                            if (!applied) throw std::invalid_argument(applied.error());
                          }),
                      help);
  };
  flag("fault-write-error-rate", "F",
       "fraction 0..1 of writes that fail, storage untouched (default 0)");
  flag("fault-write-error-code", "C", "409, 429 or 500 (default 500)");
  flag("fault-retry-after", "S", "Retry-After seconds of a 429 (default 1)");
  flag("fault-latency", "MS", "milliseconds added before every API response (default 0)");
  flag("fault-resources", "LIST",
       "plural resources write faults apply to, comma-separated (default all; pods/binding: only "
       "that subresource)");
  flag("fault-names", "LIST", "object names write faults apply to, comma-separated (default all)");
  return out;
}

}  // namespace dynop::localcluster::faults
