#include "plugins/common/dgd_view.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <set>

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/quantity.hpp"
#include "lib/apimachinery/validation.hpp"
#include "plugins/common/names.hpp"

namespace dynop::plugins::common {
namespace {

namespace json = boost::json;
using apimachinery::FieldError;
using apimachinery::FieldErrors;
using apimachinery::FieldErrorType;

class Checker {
 public:
  explicit Checker(FieldErrors& errors) : errors_(errors) {}

  void add_all(FieldErrors more) {
    for (FieldError& e : more) errors_.push_back(std::move(e));
  }
  void add(FieldErrorType type, std::string field, std::string bad_value, std::string detail) {
    errors_.push_back(FieldError{type, std::move(field), std::move(bad_value), std::move(detail)});
  }
  void invalid(const std::string& field, const json::value& v, std::string detail) {
    add(FieldErrorType::kInvalid, field, apimachinery::render_bad_value(v), std::move(detail));
  }
  void type_error(const std::string& field, const json::value& v, std::string_view want) {
    add(FieldErrorType::kTypeInvalid, field, apimachinery::render_bad_value(v),
        fmt::format("must be {}", want));
  }

  // Each accessor returns the typed value or nullptr/fallback, recording a
  // type error when the field is present with the wrong type.
  const json::object* object(const json::object& parent, std::string_view key,
                             const std::string& path) {
    const json::value* v = parent.if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (!v->is_object()) {
      type_error(path, *v, "an object");
      return nullptr;
    }
    return &v->get_object();
  }
  const json::array* array(const json::object& parent, std::string_view key,
                           const std::string& path) {
    const json::value* v = parent.if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (!v->is_array()) {
      type_error(path, *v, "a list");
      return nullptr;
    }
    return &v->get_array();
  }
  std::string string(const json::object& parent, std::string_view key, const std::string& path) {
    const json::value* v = parent.if_contains(key);
    if (v == nullptr || v->is_null()) return {};
    if (!v->is_string()) {
      type_error(path, *v, "a string");
      return {};
    }
    return std::string(v->get_string());
  }
  std::optional<bool> boolean(const json::object& parent, std::string_view key,
                              const std::string& path) {
    const json::value* v = parent.if_contains(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_bool()) {
      type_error(path, *v, "a boolean");
      return std::nullopt;
    }
    return v->get_bool();
  }
  // An int32 with a minimum; nullopt when absent or invalid.
  std::optional<std::int32_t> int32(const json::object& parent, std::string_view key,
                                    const std::string& path, std::int64_t minimum) {
    const json::value* v = parent.if_contains(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    std::int64_t n = 0;
    if (v->is_int64()) {
      n = v->get_int64();
    } else if (v->is_uint64() && v->get_uint64() <= INT32_MAX) {
      n = static_cast<std::int64_t>(v->get_uint64());
    } else if (v->is_double() &&
               v->get_double() == static_cast<double>(static_cast<std::int64_t>(v->get_double()))) {
      n = static_cast<std::int64_t>(v->get_double());
    } else {
      type_error(path, *v, "an integer");
      return std::nullopt;
    }
    if (n < minimum) {
      invalid(path, *v, fmt::format("must be greater than or equal to {}", minimum));
      return std::nullopt;
    }
    if (n > INT32_MAX) {
      invalid(path, *v, "must be at most 2147483647");
      return std::nullopt;
    }
    return static_cast<std::int32_t>(n);
  }
  std::map<std::string, std::string> strings(const json::object& parent, std::string_view key,
                                             const std::string& path) {
    std::map<std::string, std::string> out;
    const json::object* o = object(parent, key, path);
    if (o == nullptr) return out;
    for (const auto& [k, v] : *o) {
      if (!v.is_string()) {
        type_error(fmt::format("{}[{}]", path, std::string_view(k)), v, "a string");
        continue;
      }
      out.emplace(std::string(k), std::string(v.get_string()));
    }
    return out;
  }
  json::array env_list(const json::object& parent, std::string_view key, const std::string& path) {
    json::array out;
    const json::array* a = array(parent, key, path);
    if (a == nullptr) return out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const json::value& item = (*a)[i];
      std::string item_path = fmt::format("{}[{}]", path, i);
      if (!item.is_object()) {
        type_error(item_path, item, "an object");
        continue;
      }
      const json::value* name = item.get_object().if_contains("name");
      if (name == nullptr || !name->is_string() || name->get_string().empty()) {
        add(FieldErrorType::kRequired, item_path + ".name", "", "");
        continue;
      }
      out.push_back(item);
    }
    return out;
  }

 private:
  FieldErrors& errors_;
};

// A quantity field: kept as written when it parses, else an error with kube's wording.
std::string quantity(Checker& check, const json::object& o, std::string_view key,
                     const std::string& path) {
  std::string text = check.string(o, key, path);
  if (text.empty()) return text;
  auto q = apimachinery::Quantity::parse(text);
  if (!q.ok()) {
    check.invalid(path, json::value(text), q.error());
    return {};
  }
  if (q->sign() < 0) {
    check.invalid(path, json::value(text), "must be greater than or equal to 0");
    return {};
  }
  return text;
}

ResourceFigures parse_figures(Checker& check, const json::object& resources, std::string_view key,
                              const std::string& path) {
  ResourceFigures f;
  const json::object* o = check.object(resources, key, path);
  if (o == nullptr) return f;
  f.cpu = quantity(check, *o, "cpu", path + ".cpu");
  f.memory = quantity(check, *o, "memory", path + ".memory");
  f.gpu = quantity(check, *o, "gpu", path + ".gpu");
  f.gpu_type = check.string(*o, "gpuType", path + ".gpuType");
  if (!f.gpu_type.empty() && !apimachinery::is_qualified_name(f.gpu_type).empty()) {
    check.invalid(path + ".gpuType", json::value(f.gpu_type),
                  apimachinery::aggregate_strings(apimachinery::is_qualified_name(f.gpu_type)));
    f.gpu_type.clear();
  }
  if (const json::object* custom = check.object(*o, "custom", path + ".custom")) {
    for (const auto& [name, value] : *custom) {
      std::string sub = fmt::format("{}.custom[{}]", path, std::string_view(name));
      std::string q = quantity(check, *custom, name, sub);
      if (!q.empty()) f.custom.emplace(std::string(name), std::move(q));
    }
  }
  // Extended resources such as GPUs are only ever whole numbers.
  if (!f.gpu.empty()) {
    auto q = apimachinery::Quantity::parse(f.gpu);
    if (q->milli_value() % 1000 != 0) {
      check.invalid(path + ".gpu", json::value(f.gpu), "must be a whole number of GPUs");
      f.gpu.clear();
    }
  }
  return f;
}

ServiceView parse_service(Checker& check, std::string_view name, const json::object& s,
                          const std::string& path) {
  ServiceView svc;
  svc.name = std::string(name);
  svc.component_type = check.string(s, "componentType", path + ".componentType");
  svc.sub_component_type = check.string(s, "subComponentType", path + ".subComponentType");
  // Both become pod label values.
  for (auto [field, value] :
       {std::pair<std::string_view, std::string*>{"componentType", &svc.component_type},
        {"subComponentType", &svc.sub_component_type}}) {
    if (auto msgs = apimachinery::is_valid_label_value(*value); !msgs.empty()) {
      check.invalid(fmt::format("{}.{}", path, field), json::value(*value),
                    apimachinery::aggregate_strings(msgs));
      value->clear();
    }
  }
  if (auto r = check.int32(s, "replicas", path + ".replicas", 0)) {
    svc.replicas = *r;
    svc.replicas_set = true;
  }
  if (const json::object* res = check.object(s, "resources", path + ".resources")) {
    svc.resources.requests = parse_figures(check, *res, "requests", path + ".resources.requests");
    svc.resources.limits = parse_figures(check, *res, "limits", path + ".resources.limits");
    if (const json::array* claims = check.array(*res, "claims", path + ".resources.claims")) {
      svc.resources.claims = *claims;
    }
  }
  if (const json::object* mn = check.object(s, "multinode", path + ".multinode")) {
    svc.multinode = true;
    svc.node_count =
        check.int32(*mn, "nodeCount", path + ".multinode.nodeCount", 2).value_or(kDefaultNodeCount);
  }
  if (const json::object* sa = check.object(s, "scalingAdapter", path + ".scalingAdapter")) {
    bool disable = check.boolean(*sa, "disable", path + ".scalingAdapter.disable").value_or(false);
    bool enabled = check.boolean(*sa, "enabled", path + ".scalingAdapter.enabled").value_or(true);
    svc.adapter_enabled = !disable && enabled;
  }
  svc.envs = check.env_list(s, "envs", path + ".envs");
  svc.env_from_secret = check.string(s, "envFromSecret", path + ".envFromSecret");
  if (const json::object* eps = check.object(s, "extraPodSpec", path + ".extraPodSpec")) {
    svc.extra_pod_spec = *eps;
    svc.extra_pod_spec.erase("mainContainer");
    if (const json::object* mc =
            check.object(*eps, "mainContainer", path + ".extraPodSpec.mainContainer")) {
      svc.main_container = *mc;
    }
  }
  if (const json::object* epm = check.object(s, "extraPodMetadata", path + ".extraPodMetadata")) {
    svc.extra_pod_labels = check.strings(*epm, "labels", path + ".extraPodMetadata.labels");
    svc.extra_pod_annotations =
        check.strings(*epm, "annotations", path + ".extraPodMetadata.annotations");
  }
  svc.labels = check.strings(s, "labels", path + ".labels");
  svc.annotations = check.strings(s, "annotations", path + ".annotations");
  // They end up in pod metadata: refuse here what the API server would refuse there.
  auto as_object = [](const std::map<std::string, std::string>& m) {
    json::object o;
    for (const auto& [k, v] : m) o[k] = v;
    return o;
  };
  check.add_all(apimachinery::validate_labels(as_object(svc.labels), path + ".labels"));
  check.add_all(apimachinery::validate_labels(as_object(svc.extra_pod_labels),
                                              path + ".extraPodMetadata.labels"));
  check.add_all(
      apimachinery::validate_annotations(as_object(svc.annotations), path + ".annotations"));
  check.add_all(apimachinery::validate_annotations(as_object(svc.extra_pod_annotations),
                                                   path + ".extraPodMetadata.annotations"));
  if (const json::object* p = check.object(s, "livenessProbe", path + ".livenessProbe")) {
    svc.liveness_probe = *p;
  }
  if (const json::object* p = check.object(s, "readinessProbe", path + ".readinessProbe")) {
    svc.readiness_probe = *p;
  }
  const json::value* autoscaling = s.if_contains("autoscaling");
  svc.has_autoscaling = autoscaling != nullptr && !autoscaling->is_null();
  if (const json::array* mounts = check.array(s, "volumeMounts", path + ".volumeMounts")) {
    for (std::size_t i = 0; i < mounts->size(); ++i) {
      std::string item_path = fmt::format("{}.volumeMounts[{}]", path, i);
      if (!(*mounts)[i].is_object()) {
        check.type_error(item_path, (*mounts)[i], "an object");
        continue;
      }
      const json::object& m = (*mounts)[i].get_object();
      VolumeMountView vm;
      vm.name = check.string(m, "name", item_path + ".name");
      vm.mount_point = check.string(m, "mountPoint", item_path + ".mountPoint");
      vm.use_as_compilation_cache =
          check.boolean(m, "useAsCompilationCache", item_path + ".useAsCompilationCache")
              .value_or(false);
      // The CRD schema refuses both omissions already; a server without our
      // schema still gets them reported, never silently dropped. A compilation
      // cache without mountPoint gets its backend's default (parse_dgd).
      if (vm.name.empty()) {
        check.add(FieldErrorType::kRequired, item_path + ".name", "", "");
      } else if (vm.mount_point.empty() && !vm.use_as_compilation_cache) {
        check.add(FieldErrorType::kRequired, item_path + ".mountPoint", "",
                  "the path in the container where the claim is mounted (it may be left out "
                  "only when useAsCompilationCache is true)");
      } else {
        svc.volume_mounts.push_back(std::move(vm));
      }
    }
  }
  if (const json::object* shm = check.object(s, "sharedMemory", path + ".sharedMemory")) {
    bool disabled =
        check.boolean(*shm, "disabled", path + ".sharedMemory.disabled").value_or(false);
    svc.shared_memory.set = !disabled;
    if (const json::value* size = shm->if_contains("size"); size != nullptr && !size->is_null()) {
      auto q = apimachinery::Quantity::from_json(*size);
      if (!q.ok()) {
        check.invalid(path + ".sharedMemory.size", *size, q.error());
      } else {
        svc.shared_memory.size = q->to_string();
      }
    }
  }
  return svc;
}

}  // namespace

std::string compilation_cache_mount_point(std::string_view backend_framework) {
  if (backend_framework == "sglang" || backend_framework == "vllm" ||
      backend_framework == "trtllm") {
    return fmt::format("/root/.cache/{}", backend_framework);
  }
  return {};
}

const ServiceView* DgdView::find_service(std::string_view service) const {
  for (const ServiceView& s : services) {
    if (s.name == service) return &s;
  }
  return nullptr;
}

std::map<std::string, std::string> string_map(const boost::json::object& o, std::string_view key) {
  std::map<std::string, std::string> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_object()) return out;
  for (const auto& [k, val] : v->get_object()) {
    if (val.is_string()) out.emplace(std::string(k), std::string(val.get_string()));
  }
  return out;
}

DgdParseResult parse_dgd(const boost::json::value& dgd) {
  DgdParseResult result;
  Checker check(result.errors);
  DgdView& view = result.view;
  if (!dgd.is_object()) {
    check.type_error("", dgd, "an object");
    return result;
  }
  const json::object& root = dgd.get_object();
  if (const json::object* meta = check.object(root, "metadata", "metadata")) {
    view.name = check.string(*meta, "name", "metadata.name");
    view.k8s_namespace = check.string(*meta, "namespace", "metadata.namespace");
    view.uid = check.string(*meta, "uid", "metadata.uid");
    view.resource_version = check.string(*meta, "resourceVersion", "metadata.resourceVersion");
    if (const json::value* g = meta->if_contains("generation"); g != nullptr && g->is_number()) {
      view.generation = g->to_number<std::int64_t>();
    }
    const json::value* del = meta->if_contains("deletionTimestamp");
    view.deleting = del != nullptr && !del->is_null();
  }
  if (view.name.empty()) check.add(FieldErrorType::kRequired, "metadata.name", "", "");
  if (const json::value* st = root.if_contains("status"); st != nullptr && st->is_object()) {
    view.status = st->get_object();
  }

  const json::object* spec = check.object(root, "spec", "spec");
  if (spec == nullptr) {
    check.add(FieldErrorType::kRequired, "spec", "", "");
    return result;
  }
  view.backend_framework = check.string(*spec, "backendFramework", "spec.backendFramework");
  if (!view.backend_framework.empty() && view.backend_framework != "sglang" &&
      view.backend_framework != "vllm" && view.backend_framework != "trtllm") {
    result.errors.push_back(apimachinery::not_supported_error(
        "spec.backendFramework", apimachinery::render_bad_string(view.backend_framework),
        {"sglang", "vllm", "trtllm"}));
  }
  view.envs = check.env_list(*spec, "envs", "spec.envs");
  if (const json::array* pvcs = check.array(*spec, "pvcs", "spec.pvcs")) {
    for (std::size_t i = 0; i < pvcs->size(); ++i) {
      std::string item_path = fmt::format("spec.pvcs[{}]", i);
      if (!(*pvcs)[i].is_object()) {
        check.type_error(item_path, (*pvcs)[i], "an object");
        continue;
      }
      const json::object& p = (*pvcs)[i].get_object();
      PvcView pvc;
      pvc.name = check.string(p, "name", item_path + ".name");
      pvc.create = check.boolean(p, "create", item_path + ".create").value_or(false);
      if (const json::value* size = p.if_contains("size"); size != nullptr && !size->is_null()) {
        auto q = apimachinery::Quantity::from_json(*size);
        if (!q.ok()) {
          check.invalid(item_path + ".size", *size, q.error());
        } else {
          pvc.size = q->to_string();
        }
      }
      pvc.storage_class = check.string(p, "storageClass", item_path + ".storageClass");
      pvc.access_mode = check.string(p, "volumeAccessMode", item_path + ".volumeAccessMode");
      bool usable = true;
      if (pvc.name.empty()) {
        check.add(FieldErrorType::kRequired, item_path + ".name", "", "");
        usable = false;
      } else if (auto msgs = apimachinery::is_dns1123_subdomain(pvc.name); !msgs.empty()) {
        check.invalid(item_path + ".name", json::value(pvc.name),
                      apimachinery::aggregate_strings(msgs));
        usable = false;
      }
      if (pvc.create) {
        // What a claim to create needs; without them the API server would
        // refuse the claim later, with a message about a claim the user never wrote.
        for (auto [field, value] :
             {std::pair<std::string_view, const std::string*>{"size", &pvc.size},
              {"storageClass", &pvc.storage_class},
              {"volumeAccessMode", &pvc.access_mode}}) {
          if (value->empty()) {
            check.add(FieldErrorType::kRequired, fmt::format("{}.{}", item_path, field), "",
                      "required when create is true");
            usable = false;
          }
        }
        if (!pvc.access_mode.empty() && std::find(kPvcAccessModes.begin(), kPvcAccessModes.end(),
                                                  pvc.access_mode) == kPvcAccessModes.end()) {
          result.errors.push_back(apimachinery::not_supported_error(
              item_path + ".volumeAccessMode", apimachinery::render_bad_string(pvc.access_mode),
              {kPvcAccessModes.begin(), kPvcAccessModes.end()}));
          usable = false;
        }
      }
      if (usable) view.pvcs.push_back(std::move(pvc));
    }
  }

  const json::object* services = check.object(*spec, "services", "spec.services");
  if (services == nullptr || services->empty()) {
    check.add(FieldErrorType::kRequired, "spec.services", "", "at least one service is required");
    return result;
  }
  if (services->size() > kMaxServices) {
    result.errors.push_back(apimachinery::too_many_error("spec.services",
                                                         static_cast<long long>(services->size()),
                                                         static_cast<long long>(kMaxServices)));
  }
  // Services whose names differ only in case or punctuation would share an
  // adapter and pod names; refuse them rather than let them fight.
  std::map<std::string, std::string> by_name_part;
  for (const auto& [key, value] : *services) {
    std::string name(key);
    std::string path = fmt::format("spec.services[{}]", name);
    // The service name is the value of the nvidia.com/dynamo-component label.
    if (auto msgs = apimachinery::is_valid_label_value(name); name.empty() || !msgs.empty()) {
      check.invalid(path, json::value(name),
                    name.empty() ? "a service name must not be empty"
                                 : apimachinery::aggregate_strings(msgs));
      continue;
    }
    auto [it, inserted] = by_name_part.emplace(service_name_part(name), name);
    if (!inserted) {
      check.add(FieldErrorType::kDuplicate, path, apimachinery::render_bad_string(name),
                fmt::format("service names must differ in more than case and punctuation; "
                            "\"{}\" would share the adapter {} with \"{}\"",
                            name, adapter_name(view.name, name), it->second));
      continue;
    }
    if (!value.is_object()) {
      check.type_error(path, value, "an object");
      continue;
    }
    view.services.push_back(parse_service(check, name, value.get_object(), path));
  }
  // Mounts name claims of spec.pvcs; a compilation cache without a mount
  // point gets its backend's default.
  for (ServiceView& svc : view.services) {
    for (std::size_t i = 0; i < svc.volume_mounts.size(); ++i) {
      VolumeMountView& mount = svc.volume_mounts[i];
      if (mount.mount_point.empty()) {
        mount.mount_point = compilation_cache_mount_point(view.backend_framework);
        if (mount.mount_point.empty()) {
          check.add(FieldErrorType::kRequired,
                    fmt::format("spec.services[{}].volumeMounts[{}].mountPoint", svc.name, i), "",
                    "a compilation cache has a default mount point only when "
                    "spec.backendFramework is set (sglang, vllm or trtllm); set one of them");
        }
      }
      const std::string& claim = mount.name;
      bool known = std::any_of(view.pvcs.begin(), view.pvcs.end(),
                               [&](const PvcView& p) { return p.name == claim; });
      if (!known) {
        result.errors.push_back(apimachinery::FieldError{
            FieldErrorType::kNotFound,
            fmt::format("spec.services[{}].volumeMounts[{}].name", svc.name, i),
            apimachinery::render_bad_string(claim), "no claim of that name in spec.pvcs"});
      }
    }
  }
  return result;
}

std::string format_field_errors(const apimachinery::FieldErrors& errors) {
  return apimachinery::aggregate_message(errors);
}

}  // namespace dynop::plugins::common
