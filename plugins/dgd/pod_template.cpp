#include "plugins/dgd/pod_template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <vector>

#include "lib/apimachinery/strategic_merge_patch.hpp"
#include "plugins/common/names.hpp"
#include "plugins/dgd/service_planner.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;
using common::DgdView;
using common::ServiceView;

json::value sorted_copy(const json::value& v) {
  if (v.is_object()) {
    std::vector<std::string_view> keys;
    for (const auto& kv : v.get_object()) keys.push_back(kv.key());
    std::sort(keys.begin(), keys.end());
    json::object out;
    for (std::string_view k : keys) out[k] = sorted_copy(v.get_object().at(k));
    return out;
  }
  if (v.is_array()) {
    json::array out;
    for (const json::value& item : v.get_array()) out.push_back(sorted_copy(item));
    return out;
  }
  return v;
}

std::string_view name_of(const json::value& item) {
  if (!item.is_object()) return {};
  const json::value* n = item.get_object().if_contains("name");
  return n != nullptr && n->is_string() ? std::string_view(n->get_string()) : std::string_view();
}

// Adds or replaces env vars by name; a replaced var keeps its position.
void upsert_env(json::array& env, const json::array& vars) {
  for (const json::value& var : vars) {
    auto it = std::find_if(env.begin(), env.end(),
                           [&](const json::value& e) { return name_of(e) == name_of(var); });
    if (it != env.end()) {
      *it = var;
    } else {
      env.push_back(var);
    }
  }
}

// Adds vars whose names are absent; existing ones win.
void add_missing_env(json::array& env, const json::array& vars) {
  for (const json::value& var : vars) {
    bool present = std::any_of(env.begin(), env.end(),
                               [&](const json::value& e) { return name_of(e) == name_of(var); });
    if (!present) env.push_back(var);
  }
}

// kubectl patch --type=strategic semantics for a core/v1 type: containers
// and env merge by name, volumeMounts by mountPath, other lists are replaced.
apimachinery::Result<json::object> merge_as(const json::object& target, const json::object& patch,
                                            std::string_view type) {
  if (patch.empty()) return target;
  auto merged =
      apimachinery::strategic_merge_patch_for_type(json::value(target), json::value(patch), type);
  if (!merged.ok()) return apimachinery::Error{merged.error()};
  if (!merged->is_object()) return apimachinery::Error{"the merge did not produce an object"};
  return std::move(merged->get_object());
}

json::value env_var(std::string_view name, std::string_view value) {
  return json::object{{"name", name}, {"value", value}};
}

json::array& array_at(json::object& o, std::string_view key) {
  json::value& v = o[key];
  if (!v.is_array()) v = json::array();
  return v.get_array();
}

json::object& object_at(json::object& o, std::string_view key) {
  json::value& v = o[key];
  if (!v.is_object()) v = json::object();
  return v.get_object();
}

void apply_figures(json::object& side, const common::ResourceFigures& f) {
  if (!f.cpu.empty()) side["cpu"] = f.cpu;
  if (!f.memory.empty()) side["memory"] = f.memory;
  for (const auto& [name, value] : f.custom) side[name] = value;
}

// The service's `resources` as the main container's requests and limits. GPUs
// go to both sides (extended resources must request what they limit), under
// gpuType when the user names another resource.
void apply_resources(json::object& container, const common::ServiceResources& r) {
  const auto& req = r.requests;
  const auto& lim = r.limits;
  if (req.empty() && lim.empty() && r.claims.empty()) return;
  json::object& resources = object_at(container, "resources");
  if (!req.empty()) apply_figures(object_at(resources, "requests"), req);
  if (!lim.empty()) apply_figures(object_at(resources, "limits"), lim);
  const std::string& gpus = !lim.gpu.empty() ? lim.gpu : req.gpu;
  std::string gpu_resource = !lim.gpu_type.empty()   ? lim.gpu_type
                             : !req.gpu_type.empty() ? req.gpu_type
                                                     : std::string(kGpuResource);
  if (!gpus.empty() && gpus != "0") {
    object_at(resources, "requests")[gpu_resource] = gpus;
    object_at(resources, "limits")[gpu_resource] = gpus;
  }
  if (!r.claims.empty()) resources["claims"] = r.claims;
}

// The container port upstream's operator gives the main container, named as
// its Service's targetPort (service_planner.hpp): frontend `http` 8000, planner
// `metrics` 9085, everything else `system` 9090. A port the user's
// mainContainer already declares under that name or number is kept as it is.
void add_component_port(json::object& container, const ServiceView& svc) {
  const bool frontend = svc.component_type == "frontend";
  const bool planner = svc.is_planner();
  const std::string_view name = frontend ? "http" : planner ? "metrics" : "system";
  const int number = frontend ? kFrontendPort : planner ? kPlannerMetricsPort : kSystemPort;
  json::array& ports = array_at(container, "ports");
  for (const json::value& p : ports) {
    if (!p.is_object()) continue;
    const json::value* port = p.get_object().if_contains("containerPort");
    if (name_of(p) == name ||
        (port != nullptr && port->is_int64() && port->get_int64() == number)) {
      return;
    }
  }
  ports.push_back(json::object{{"name", name}, {"containerPort", number}, {"protocol", "TCP"}});
}

apimachinery::Result<json::object> build_main_container(const DgdView& dgd, const ServiceView& svc,
                                                        const PodTemplateConfig& config) {
  json::object c;
  c["name"] = kMainContainerName;
  c["image"] = config.default_image;
  json::array env;
  upsert_env(env, dgd.envs);
  upsert_env(env, svc.envs);  // the service's value wins over spec.envs
  if (!env.empty()) c["env"] = std::move(env);
  for (const common::VolumeMountView& m : svc.volume_mounts) {
    array_at(c, "volumeMounts")
        .push_back(json::object{{"name", m.name}, {"mountPath", m.mount_point}});
  }
  if (svc.shared_memory.set) {
    array_at(c, "volumeMounts")
        .push_back(json::object{{"name", kSharedMemoryVolume}, {"mountPath", "/dev/shm"}});
  }
  if (!svc.liveness_probe.empty()) c["livenessProbe"] = svc.liveness_probe;
  if (!svc.readiness_probe.empty()) c["readinessProbe"] = svc.readiness_probe;

  auto merged_container = merge_as(c, svc.main_container, "Container");
  if (!merged_container.ok()) {
    return apimachinery::Error{fmt::format("spec.services[{}].extraPodSpec.mainContainer: {}",
                                           svc.name, merged_container.error())};
  }
  c = std::move(*merged_container);
  c["name"] = kMainContainerName;  // the plugin finds the main container by name
  add_component_port(c, svc);

  // The contract's identity env comes first and cannot be overridden: the
  // Dynamo runtime and the metrics filter depend on it.
  std::string dyn_ns = common::dynamo_namespace(dgd.k8s_namespace, dgd.name);
  json::array identity{env_var("DYN_NAMESPACE", dyn_ns), env_var("DYN_COMPONENT", svc.name),
                       env_var("DYN_PARENT_DGD_K8S_NAME", dgd.name),
                       env_var("DYN_PARENT_DGD_K8S_NAMESPACE", dgd.k8s_namespace)};
  json::array merged = identity;
  if (const json::value* e = c.if_contains("env"); e != nullptr && e->is_array()) {
    add_missing_env(merged, e->get_array());
  }
  c["env"] = std::move(merged);

  if (!svc.env_from_secret.empty()) {
    json::value ref = json::object{{"secretRef", json::object{{"name", svc.env_from_secret}}}};
    json::array& env_from = array_at(c, "envFrom");
    if (std::find(env_from.begin(), env_from.end(), ref) == env_from.end()) {
      env_from.push_back(std::move(ref));
    }
  }
  apply_resources(c, svc.resources);
  return c;
}

json::object to_json(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

}  // namespace

std::string template_hash(const boost::json::value& canonical_input) {
  static constexpr std::string_view kAlphanums = "bcdfghjklmnpqrstvwxz2456789";
  std::string digits =
      std::to_string(common::fnv1a32(json::serialize(sorted_copy(canonical_input))));
  for (char& c : digits) c = kAlphanums[static_cast<unsigned char>(c) % kAlphanums.size()];
  return digits;
}

apimachinery::Result<PodTemplate> build_pod_template(const DgdView& dgd, const ServiceView& svc,
                                                     const PodTemplateConfig& config) {
  PodTemplate t;
  t.base_name = common::pod_base_name(dgd.name, svc.name);
  t.pods_per_group = svc.pods_per_group();

  auto main = build_main_container(dgd, svc, config);
  if (!main.ok()) return apimachinery::Error{main.error()};
  json::object base_spec;
  base_spec["containers"] = json::array{std::move(*main)};
  // Claims of spec.pvcs the service mounts, and /dev/shm; extraPodSpec may
  // still override a volume by name.
  for (const common::VolumeMountView& m : svc.volume_mounts) {
    json::array& volumes = array_at(base_spec, "volumes");
    json::value volume = json::object{
        {"name", m.name}, {"persistentVolumeClaim", json::object{{"claimName", m.name}}}};
    if (std::find(volumes.begin(), volumes.end(), volume) == volumes.end()) {
      volumes.push_back(std::move(volume));
    }
  }
  if (svc.shared_memory.set) {
    json::object empty_dir{{"medium", "Memory"}};
    if (!svc.shared_memory.size.empty()) empty_dir["sizeLimit"] = svc.shared_memory.size;
    array_at(base_spec, "volumes")
        .push_back(json::object{{"name", kSharedMemoryVolume}, {"emptyDir", std::move(empty_dir)}});
  }
  auto merged_spec = merge_as(base_spec, svc.extra_pod_spec, "PodSpec");
  if (!merged_spec.ok()) {
    return apimachinery::Error{
        fmt::format("spec.services[{}].extraPodSpec: {}", svc.name, merged_spec.error())};
  }
  json::object spec = std::move(*merged_spec);
  // The main container first: kubectl logs/exec pick the first container.
  json::array& containers = array_at(spec, "containers");
  auto main_it = std::find_if(containers.begin(), containers.end(), [](const json::value& c) {
    return name_of(c) == kMainContainerName;
  });
  if (main_it != containers.end() && main_it != containers.begin()) {
    json::value main_container = *main_it;
    containers.erase(main_it);
    containers.insert(containers.begin(), std::move(main_container));
  }
  // spec.envs reach every container; in sidecars the sidecar's own value wins.
  for (json::value& container : array_at(spec, "containers")) {
    if (!container.is_object() || name_of(container) == kMainContainerName) continue;
    json::array& env = array_at(container.get_object(), "env");
    add_missing_env(env, dgd.envs);
    if (env.empty()) container.get_object().erase("env");
  }
  if (!config.scheduler_name.empty()) spec["schedulerName"] = config.scheduler_name;
  if (svc.is_planner()) spec["serviceAccountName"] = config.planner_service_account;

  std::map<std::string, std::string> labels = svc.labels;
  for (const auto& [k, v] : svc.extra_pod_labels) labels[k] = v;
  common::ServiceIdentity id{dgd.k8s_namespace, dgd.name, svc.name, svc.component_type,
                             svc.sub_component_type};
  for (const auto& [k, v] : common::service_pod_labels(id)) labels[k] = v;  // contract wins
  std::map<std::string, std::string> annotations = svc.annotations;
  for (const auto& [k, v] : svc.extra_pod_annotations) annotations[k] = v;

  json::object metadata;
  metadata["namespace"] = dgd.k8s_namespace;
  metadata["labels"] = to_json(labels);
  if (!annotations.empty()) metadata["annotations"] = to_json(annotations);

  // Everything that defines the pod goes into the hash, the group size too
  // (a nodeCount change re-forms the groups); the replica count does not.
  // The DGD's uid does too: a DGD deleted and created again under the same
  // name gets new pod names, so pods of the old one that the garbage
  // collector has not removed yet (or that a reconcile with a stale cache
  // created just after the delete) never block the new one's pods.
  t.hash = template_hash(json::object{{"metadata", metadata},
                                      {"spec", spec},
                                      {"podsPerGroup", t.pods_per_group},
                                      {"owner", dgd.uid}});

  metadata["labels"].get_object()[common::kLabelPodTemplateHash] = t.hash;
  metadata["ownerReferences"] = json::array{common::dgd_controller_reference(dgd.name, dgd.uid)};
  t.pod = json::object{{"apiVersion", "v1"},
                       {"kind", "Pod"},
                       {"metadata", std::move(metadata)},
                       {"spec", std::move(spec)}};
  return t;
}

std::string group_name(const PodTemplate& tmpl, std::int32_t group_index) {
  return fmt::format("{}-{}-{}", tmpl.base_name, tmpl.hash, group_index);
}

std::string pod_name(const PodTemplate& tmpl, std::int32_t group_index, std::int32_t rank) {
  if (tmpl.pods_per_group <= 1) return group_name(tmpl, group_index);
  return fmt::format("{}-{}", group_name(tmpl, group_index), rank);
}

boost::json::object render_pod(const PodTemplate& tmpl, std::int32_t group_index,
                               std::int32_t rank) {
  json::object pod = tmpl.pod;
  json::object& metadata = pod["metadata"].get_object();
  metadata["name"] = pod_name(tmpl, group_index, rank);
  json::object& labels = metadata["labels"].get_object();
  std::string group = group_name(tmpl, group_index);
  labels[common::kLabelGroup] = group;
  labels[common::kLabelGroupIndex] = std::to_string(group_index);
  if (tmpl.pods_per_group <= 1) return pod;

  std::string_view role = rank == 0 ? "leader" : "worker";
  labels[common::kLabelMultinodeRole] = role;
  labels[common::kLabelMultinodeRank] = std::to_string(rank);
  labels[common::kLabelGroupSize] = std::to_string(tmpl.pods_per_group);
  json::array& containers = pod["spec"].get_object()["containers"].get_array();
  for (json::value& c : containers) {
    if (name_of(c) != kMainContainerName) continue;
    upsert_env(array_at(c.get_object(), "env"),
               json::array{env_var("DYN_MULTINODE_ROLE", role),
                           env_var("DYN_MULTINODE_RANK", std::to_string(rank)),
                           env_var("DYN_MULTINODE_NODE_COUNT", std::to_string(tmpl.pods_per_group)),
                           env_var("DYN_MULTINODE_GROUP", group),
                           env_var("DYN_MULTINODE_LEADER", pod_name(tmpl, group_index, 0))});
  }
  return pod;
}

}  // namespace dynop::plugins::dgd
