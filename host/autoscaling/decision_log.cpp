#include "host/autoscaling/decision_log.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <chrono>

#include "lib/apimachinery/time.hpp"
#include "lib/net/query_params.hpp"

namespace dynop::host::autoscaling {
namespace json = boost::json;

const char* to_string(DecisionOutcome outcome) {
  switch (outcome) {
    case DecisionOutcome::kScaled:
      return "scaled";
    case DecisionOutcome::kUnchanged:
      return "unchanged";
    case DecisionOutcome::kFailed:
      return "failed";
    case DecisionOutcome::kObserved:
      return "observed";
  }
  return "scaled";
}

DecisionLog::DecisionLog(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

std::uint64_t DecisionLog::append(Decision decision) {
  std::lock_guard lock(mutex_);
  decision.id = next_id_++;
  const std::uint64_t id = decision.id;
  entries_.push_back(std::move(decision));
  while (entries_.size() > capacity_) entries_.pop_front();
  return id;
}

std::vector<Decision> DecisionLog::list(const DecisionQuery& query) const {
  std::vector<Decision> out;
  std::lock_guard lock(mutex_);
  for (const Decision& d : entries_) {
    if (d.id <= query.after_id) continue;
    if (!query.ns.empty() && d.target.ns != query.ns) continue;
    if (!query.name.empty() && d.target.name != query.name) continue;
    if (!query.writer.empty() && d.writer != query.writer) continue;
    out.push_back(d);
  }
  if (query.limit > 0 && out.size() > query.limit)
    out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(query.limit));
  return out;
}

std::string to_json(const std::vector<Decision>& decisions, std::size_t capacity) {
  json::array items;
  for (const Decision& d : decisions) {
    const std::chrono::system_clock::time_point at{std::chrono::milliseconds(d.time_ms)};
    json::object item{
        {"id", d.id},
        {"time", apimachinery::format_micro_time(at)},
        {"writer", d.writer},
        {"identity", d.identity},
        {"target", json::object{{"apiVersion", d.target.api_version},
                                {"kind", d.target.kind},
                                {"namespace", d.target.ns},
                                {"name", d.target.name}}},
        {"to", d.to},
        {"reason", d.reason},
        {"outcome", to_string(d.outcome)},
        {"error", d.error},
    };
    item["from"] = d.from ? json::value(*d.from) : json::value(nullptr);
    items.push_back(std::move(item));
  }
  return json::serialize(json::object{{"decisions", std::move(items)}, {"capacity", capacity}});
}

std::optional<DecisionQuery> parse_decision_query(std::string_view query_string,
                                                  std::string& error) {
  DecisionQuery q;
  auto params = net::parse_query_params(query_string, error);
  if (!params) return std::nullopt;
  auto number = [&](std::string_view key, std::string_view text, auto& out) {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      error = std::string(key) + ": \"" + std::string(text) + "\" is not a whole number";
      return false;
    }
    return true;
  };
  for (const auto& [key, value] : *params) {
    if (key == "afterId") {
      if (!number(key, value, q.after_id)) return std::nullopt;
    } else if (key == "limit") {
      if (!number(key, value, q.limit)) return std::nullopt;
    } else if (key == "namespace") {
      q.ns = value;
    } else if (key == "name") {
      q.name = value;
    } else if (key == "writer") {
      q.writer = value;
    } else {
      error = "unknown parameter \"" + key + "\" (known: afterId, namespace, name, writer, limit)";
      return std::nullopt;
    }
  }
  return q;
}

}  // namespace dynop::host::autoscaling
