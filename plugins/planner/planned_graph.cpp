#include "plugins/planner/planned_graph.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/quantity.hpp"
#include "plugins/common/names.hpp"

namespace dynop::plugins::planner {

namespace json = boost::json;
using apimachinery::Error;
using apimachinery::Result;

namespace {

std::vector<std::string> strings_of(const json::object& container, std::string_view key) {
  std::vector<std::string> words;
  const json::value* list = container.if_contains(key);
  if (list == nullptr || !list->is_array()) return words;
  for (const json::value& w : list->get_array()) {
    if (w.is_string()) words.emplace_back(w.get_string());
  }
  return words;
}

std::string string_at(const json::object& object, std::string_view key) {
  const json::value* v = object.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The ConfigMap of the volume mounted at `dir` (or at a folder holding it).
std::string config_map_mounted_at(const common::ServiceView& service, const std::string& dir) {
  std::string volume;
  const json::value* mounts = service.main_container.if_contains("volumeMounts");
  if (mounts != nullptr && mounts->is_array()) {
    for (const json::value& m : mounts->get_array()) {
      if (!m.is_object()) continue;
      std::string path = string_at(m.get_object(), "mountPath");
      while (path.size() > 1 && path.ends_with('/')) path.pop_back();
      if (dir == path || dir.starts_with(path + "/")) volume = string_at(m.get_object(), "name");
    }
  }
  const json::value* volumes = service.extra_pod_spec.if_contains("volumes");
  if (volume.empty() || volumes == nullptr || !volumes->is_array()) return "";
  for (const json::value& v : volumes->get_array()) {
    if (!v.is_object() || string_at(v.get_object(), "name") != volume) continue;
    const json::value* cm = v.get_object().if_contains("configMap");
    if (cm != nullptr && cm->is_object()) return string_at(cm->get_object(), "name");
  }
  return "";
}

int gpus_per_engine(const common::ServiceView& service) {
  const std::string& text = !service.resources.limits.gpu.empty() ? service.resources.limits.gpu
                                                                  : service.resources.requests.gpu;
  auto q = apimachinery::Quantity::parse(text);
  const int gpus = q.ok() ? static_cast<int>(q->value()) : 0;
  return std::max(gpus, 1) * service.pods_per_group();
}

bool is_role(const common::ServiceView& s, std::string_view role) {
  return s.sub_component_type == role || s.component_type == role;
}

}  // namespace

const common::ServiceView* find_planner_service(const common::DgdView& dgd) {
  for (const auto& s : dgd.services) {
    if (s.is_planner()) return &s;
  }
  return nullptr;
}

Result<PlannedGraph> plan_graph(const common::DgdView& dgd) {
  const common::ServiceView* planner = find_planner_service(dgd);
  if (planner == nullptr) return Error{"the graph has no service of componentType planner"};
  PlannedGraph g;
  g.k8s_namespace = dgd.k8s_namespace;
  g.dgd = dgd.name;
  g.planner_service = planner->name;
  g.dynamo_namespace = common::dynamo_namespace(dgd.k8s_namespace, dgd.name);

  std::vector<std::string> words = strings_of(planner->main_container, "command");
  for (std::string& w : strings_of(planner->main_container, "args")) words.push_back(std::move(w));
  auto options = parse_planner_options(words);
  if (!options) return Error{"planner service " + planner->name + ": " + options.error()};
  g.options = std::move(*options);

  std::string dir = g.options.profile_results_dir;
  while (dir.size() > 1 && dir.ends_with('/')) dir.pop_back();
  g.profile_config_map = config_map_mounted_at(*planner, dir);
  if (g.profile_config_map.empty()) {
    return Error{"planner service " + planner->name +
                 ": no volume from a ConfigMap is mounted at --profile-results-dir " + dir};
  }

  const json::value* services =
      dgd.status.if_contains("services") != nullptr ? dgd.status.if_contains("services") : nullptr;
  auto ready_of = [&](const std::string& name) {
    if (services == nullptr || !services->is_object()) return 0;
    const json::value* s = services->get_object().if_contains(name);
    if (s == nullptr || !s->is_object()) return 0;
    const json::value* r = s->get_object().if_contains("readyReplicas");
    return r != nullptr && r->is_int64() ? static_cast<int>(r->get_int64()) : 0;
  };
  for (const auto& s : dgd.services) {
    for (std::string_view role : {"prefill", "decode"}) {
      if (!is_role(s, role)) continue;
      auto& slot = role == "prefill" ? g.prefill : g.decode;
      if (slot) {
        return Error{"two services with subComponentType " + std::string(role) + " (" + slot->name +
                     ", " + s.name + "): the planner sizes one of each"};
      }
      if (!s.adapter_enabled) {
        return Error{"service " + s.name + " has its scaling adapter disabled: the planner " +
                     "scales through the adapter's /scale only"};
      }
      slot = PlannedService{s.name, common::adapter_name(dgd.name, s.name), ready_of(s.name)};
      (role == "prefill" ? g.gpus.prefill : g.gpus.decode) = gpus_per_engine(s);
    }
  }
  if (g.options.prefill_engine_num_gpu) g.gpus.prefill = *g.options.prefill_engine_num_gpu;
  if (g.options.decode_engine_num_gpu) g.gpus.decode = *g.options.decode_engine_num_gpu;
  for (std::string_view role : {"prefill", "decode"}) {
    const bool needed = g.options.mode == "disagg" || g.options.mode == role;
    const auto& slot = role == "prefill" ? g.prefill : g.decode;
    if (needed && !slot) {
      return Error{"no service with subComponentType " + std::string(role) + " to scale (--mode " +
                   g.options.mode + ")"};
    }
  }
  if (g.options.mode == "prefill") g.decode.reset();
  if (g.options.mode == "decode") g.prefill.reset();
  return g;
}

}  // namespace dynop::plugins::planner
