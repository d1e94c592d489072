#include "plugins/common/pod_groups.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>

#include "lib/apimachinery/conditions.hpp"
#include "plugins/common/names.hpp"

namespace dynop::plugins::common {
namespace {

namespace json = boost::json;

std::string_view string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

std::optional<std::int32_t> parse_index(std::string_view s) {
  std::int32_t n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || ptr != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

}  // namespace

std::optional<ObservedPod> observe_pod(const boost::json::object& pod) {
  const json::value* meta_v = pod.if_contains("metadata");
  if (meta_v == nullptr || !meta_v->is_object()) return std::nullopt;
  const json::object& meta = meta_v->get_object();
  const json::value* labels_v = meta.if_contains("labels");
  if (labels_v == nullptr || !labels_v->is_object()) return std::nullopt;
  const json::object& labels = labels_v->get_object();

  ObservedPod p;
  p.name = std::string(string_at(meta, "name"));
  p.template_hash = std::string(string_at(labels, kLabelPodTemplateHash));
  auto index = parse_index(string_at(labels, kLabelGroupIndex));
  if (p.name.empty() || p.template_hash.empty() || !index) return std::nullopt;
  p.group_index = *index;
  std::string_view rank = string_at(labels, kLabelMultinodeRank);
  if (!rank.empty()) {
    auto r = parse_index(rank);
    if (!r) return std::nullopt;
    p.rank = *r;
  }
  p.creation_timestamp = std::string(string_at(meta, "creationTimestamp"));
  const json::value* del = meta.if_contains("deletionTimestamp");
  p.terminating = del != nullptr && !del->is_null();

  if (const json::value* st = pod.if_contains("status"); st != nullptr && st->is_object()) {
    p.phase = std::string(string_at(st->get_object(), "phase"));
    p.ready = apimachinery::status_condition_true(pod, "Ready");
  }
  // A pod that is not running is not ready, whatever a stale condition says.
  if (p.phase != "Running") p.ready = false;
  return p;
}

const std::vector<std::string>& observed_pod_fields() {
  static const std::vector<std::string> fields = {"metadata.labels",
                                                  "metadata.ownerReferences",
                                                  "metadata.creationTimestamp",
                                                  "metadata.deletionTimestamp",
                                                  "status.phase",
                                                  "status.conditions.type",
                                                  "status.conditions.status"};
  return fields;
}

std::vector<ObservedPod> observe_pods(const std::vector<boost::json::object>& pods) {
  std::vector<ObservedPod> out;
  out.reserve(pods.size());
  for (const json::object& pod : pods) {
    if (auto p = observe_pod(pod)) out.push_back(std::move(*p));
  }
  return out;
}

bool PodGroup::any_terminating() const {
  return std::any_of(members.begin(), members.end(),
                     [](const ObservedPod& p) { return p.terminating; });
}

bool PodGroup::any_failed() const {
  return std::any_of(members.begin(), members.end(),
                     [](const ObservedPod& p) { return p.failed(); });
}

bool PodGroup::has_rank(std::int32_t rank) const {
  return std::any_of(members.begin(), members.end(),
                     [rank](const ObservedPod& p) { return p.rank == rank; });
}

bool PodGroup::complete(std::int32_t pods_per_group) const {
  for (std::int32_t r = 0; r < pods_per_group; ++r) {
    if (!has_rank(r)) return false;
  }
  return true;
}

bool PodGroup::ready(std::int32_t pods_per_group) const {
  if (broken() || !complete(pods_per_group)) return false;
  return std::all_of(members.begin(), members.end(), [](const ObservedPod& p) { return p.ready; });
}

std::string PodGroup::newest_creation() const {
  std::string newest;
  for (const ObservedPod& p : members) newest = std::max(newest, p.creation_timestamp);
  return newest;
}

std::vector<PodGroup> group_pods(const std::vector<ObservedPod>& pods) {
  std::map<std::pair<std::string, std::int32_t>, PodGroup> groups;
  for (const ObservedPod& p : pods) {
    PodGroup& g = groups[{p.template_hash, p.group_index}];
    g.template_hash = p.template_hash;
    g.index = p.group_index;
    g.members.push_back(p);
  }
  std::vector<PodGroup> out;
  out.reserve(groups.size());
  for (auto& [key, g] : groups) {
    std::sort(g.members.begin(), g.members.end(),
              [](const ObservedPod& a, const ObservedPod& b) { return a.rank < b.rank; });
    out.push_back(std::move(g));
  }
  return out;
}

GroupCounts count_groups(const std::vector<PodGroup>& groups, const std::string& desired_hash,
                         std::int32_t pods_per_group) {
  GroupCounts c;
  for (const PodGroup& g : groups) {
    if (g.broken()) continue;
    ++c.replicas;
    if (g.template_hash == desired_hash) ++c.updated_replicas;
    if (g.ready(pods_per_group)) ++c.ready_replicas;
  }
  return c;
}

}  // namespace dynop::plugins::common
