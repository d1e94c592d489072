#include "plugins/common/dgd_view.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/field_reader.hpp"
#include "lib/apimachinery/json_decode.hpp"
#include "lib/apimachinery/quantity.hpp"
#include "lib/apimachinery/validation.hpp"
#include "plugins/common/names.hpp"

namespace dynop::plugins::common {
namespace {

namespace json = boost::json;
namespace dom = simdjson::dom;
using apimachinery::FieldError;
using apimachinery::FieldErrors;
using apimachinery::FieldErrorType;

using apimachinery::field_of;
using apimachinery::join_field_path;
using apimachinery::whole_number;
using Checker = apimachinery::FieldReader;

// A list of EnvVar: each an object with a non-empty name; kept as written.
json::array env_list(Checker& check, dom::object parent, std::string_view key,
                     std::string_view at) {
  json::array out;
  auto a = check.array(parent, key, at);
  if (!a) return out;
  std::size_t i = 0;
  for (dom::element item : *a) {
    std::string item_path = fmt::format("{}[{}]", join_field_path(at, key), i++);
    if (!item.is_object()) {
      check.type_error(item_path, item, "an object");
      continue;
    }
    std::string_view name;
    if (dom::object(item).at_key("name").get(name) != simdjson::SUCCESS || name.empty()) {
      check.add(FieldErrorType::kRequired, item_path + ".name", "", "");
      continue;
    }
    out.push_back(apimachinery::to_boost_json(item));
  }
  return out;
}

// A quantity field: kept as written when it parses, else an error with kube's wording.
std::string quantity(Checker& check, dom::object o, std::string_view key, std::string_view at,
                     std::string field_path = {}) {
  if (field_path.empty()) field_path = join_field_path(at, key);
  auto v = field_of(o, key);
  if (!v) return {};
  if (!v->is_string()) {
    check.type_error(field_path, *v, "a string");
    return {};
  }
  std::string text{std::string_view(*v)};
  if (text.empty()) return text;
  auto q = apimachinery::Quantity::parse(text);
  if (!q.ok()) {
    check.invalid_string(field_path, text, q.error());
    return {};
  }
  if (q->sign() < 0) {
    check.invalid_string(field_path, text, "must be greater than or equal to 0");
    return {};
  }
  return text;
}

// A quantity written as a string or a number (sharedMemory.size, pvcs[].size),
// in its canonical form.
std::string canonical_quantity(Checker& check, dom::object o, std::string_view key,
                               std::string_view at) {
  auto v = field_of(o, key);
  if (!v) return {};
  auto q = apimachinery::Quantity::from_json(apimachinery::to_boost_json(*v));
  if (!q.ok()) {
    check.invalid(join_field_path(at, key), *v, q.error());
    return {};
  }
  return q->to_string();
}

ResourceFigures parse_figures(Checker& check, dom::object resources, std::string_view key,
                              std::string_view at) {
  ResourceFigures f;
  auto o = check.object(resources, key, at);
  if (!o) return f;
  const std::string path = join_field_path(at, key);
  f.cpu = quantity(check, *o, "cpu", path);
  f.memory = quantity(check, *o, "memory", path);
  f.gpu = quantity(check, *o, "gpu", path);
  f.gpu_type = check.string(*o, "gpuType", path);
  if (!f.gpu_type.empty()) {
    if (auto msgs = apimachinery::is_qualified_name(f.gpu_type); !msgs.empty()) {
      check.invalid_string(path + ".gpuType", f.gpu_type, apimachinery::aggregate_strings(msgs));
      f.gpu_type.clear();
    }
  }
  if (auto custom = check.object(*o, "custom", path)) {
    for (auto [name, value] : *custom) {
      std::string q = quantity(check, *custom, name, "", fmt::format("{}.custom[{}]", path, name));
      if (!q.empty()) f.custom.emplace(std::string(name), std::move(q));
    }
  }
  // Extended resources such as GPUs are only ever whole numbers.
  if (!f.gpu.empty()) {
    auto q = apimachinery::Quantity::parse(f.gpu);
    if (q->milli_value() % 1000 != 0) {
      check.invalid_string(path + ".gpu", f.gpu, "must be a whole number of GPUs");
      f.gpu.clear();
    }
  }
  return f;
}

json::object as_object(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

// The fields scaling and admission decide from, in one pass over the
// service's fields (the webhook reads them for two DGDs per review).
void parse_scaling(Checker& check, dom::object s, const std::string& path, ServiceView& svc) {
  for (auto [key, value] : s) {
    if (key == "componentType") {
      svc.component_type = check.as_string(value, path, key);
    } else if (key == "subComponentType") {
      svc.sub_component_type = check.as_string(value, path, key);
    } else if (key == "replicas") {
      if (auto r = check.as_int32(value, path, key, 0)) {
        svc.replicas = *r;
        svc.replicas_set = true;
      }
    } else if (key == "multinode") {
      if (auto mn = check.as_object(value, path, key)) {
        svc.multinode = true;
        svc.node_count = check.int32(*mn, "nodeCount", join_field_path(path, key), 2)
                             .value_or(kDefaultNodeCount);
      }
    } else if (key == "scalingAdapter") {
      if (auto sa = check.as_object(value, path, key)) {
        const std::string at = join_field_path(path, key);
        bool disable = check.boolean(*sa, "disable", at).value_or(false);
        bool enabled = check.boolean(*sa, "enabled", at).value_or(true);
        svc.adapter_enabled = !disable && enabled;
      }
    } else if (key == "autoscaling") {
      svc.has_autoscaling = !value.is_null();
    }
  }
  // Both become pod label values.
  for (auto [key, value] :
       {std::pair<std::string_view, std::string*>{"componentType", &svc.component_type},
        {"subComponentType", &svc.sub_component_type}}) {
    if (value->empty()) continue;
    if (auto msgs = apimachinery::is_valid_label_value(*value); !msgs.empty()) {
      check.invalid_string(join_field_path(path, key), *value,
                           apimachinery::aggregate_strings(msgs));
      value->clear();
    }
  }
}

// What rendering the service's pods needs.
void parse_pod_parts(Checker& check, dom::object s, const std::string& path, ServiceView& svc) {
  if (auto res = check.object(s, "resources", path)) {
    const std::string at = join_field_path(path, "resources");
    svc.resources.requests = parse_figures(check, *res, "requests", at);
    svc.resources.limits = parse_figures(check, *res, "limits", at);
    if (check.array(*res, "claims", at)) {
      svc.resources.claims =
          std::move(apimachinery::to_boost_json(*field_of(*res, "claims")).as_array());
    }
  }
  svc.envs = env_list(check, s, "envs", path);
  svc.env_from_secret = check.string(s, "envFromSecret", path);
  if (auto eps = check.object(s, "extraPodSpec", path)) {
    svc.extra_pod_spec = check.document(s, "extraPodSpec", path);
    svc.extra_pod_spec.erase("mainContainer");
    svc.main_container =
        check.document(*eps, "mainContainer", join_field_path(path, "extraPodSpec"));
  }
  if (auto epm = check.object(s, "extraPodMetadata", path)) {
    const std::string at = join_field_path(path, "extraPodMetadata");
    svc.extra_pod_labels = check.strings(*epm, "labels", at);
    svc.extra_pod_annotations = check.strings(*epm, "annotations", at);
  }
  svc.labels = check.strings(s, "labels", path);
  svc.annotations = check.strings(s, "annotations", path);
  // They end up in pod metadata: refuse here what the API server would refuse there.
  check.add_all(apimachinery::validate_labels(as_object(svc.labels), path + ".labels"));
  check.add_all(apimachinery::validate_labels(as_object(svc.extra_pod_labels),
                                              path + ".extraPodMetadata.labels"));
  check.add_all(
      apimachinery::validate_annotations(as_object(svc.annotations), path + ".annotations"));
  check.add_all(apimachinery::validate_annotations(as_object(svc.extra_pod_annotations),
                                                   path + ".extraPodMetadata.annotations"));
  svc.liveness_probe = check.document(s, "livenessProbe", path);
  svc.readiness_probe = check.document(s, "readinessProbe", path);
  if (auto mounts = check.array(s, "volumeMounts", path)) {
    std::size_t i = 0;
    for (dom::element item : *mounts) {
      std::string item_path = fmt::format("{}.volumeMounts[{}]", path, i++);
      if (!item.is_object()) {
        check.type_error(item_path, item, "an object");
        continue;
      }
      dom::object m(item);
      VolumeMountView vm;
      vm.name = check.string(m, "name", item_path);
      vm.mount_point = check.string(m, "mountPoint", item_path);
      vm.use_as_compilation_cache =
          check.boolean(m, "useAsCompilationCache", item_path).value_or(false);
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
  if (auto shm = check.object(s, "sharedMemory", path)) {
    const std::string at = join_field_path(path, "sharedMemory");
    bool disabled = check.boolean(*shm, "disabled", at).value_or(false);
    svc.shared_memory.set = !disabled;
    svc.shared_memory.size = canonical_quantity(check, *shm, "size", at);
  }
}

std::vector<PvcView> parse_pvcs(Checker& check, dom::object spec, FieldErrors& errors) {
  std::vector<PvcView> out;
  auto pvcs = check.array(spec, "pvcs", "spec");
  if (!pvcs) return out;
  std::size_t i = 0;
  for (dom::element item : *pvcs) {
    std::string item_path = fmt::format("spec.pvcs[{}]", i++);
    if (!item.is_object()) {
      check.type_error(item_path, item, "an object");
      continue;
    }
    dom::object p(item);
    PvcView pvc;
    pvc.name = check.string(p, "name", item_path);
    pvc.create = check.boolean(p, "create", item_path).value_or(false);
    pvc.size = canonical_quantity(check, p, "size", item_path);
    pvc.storage_class = check.string(p, "storageClass", item_path);
    pvc.access_mode = check.string(p, "volumeAccessMode", item_path);
    bool usable = true;
    if (pvc.name.empty()) {
      check.add(FieldErrorType::kRequired, item_path + ".name", "", "");
      usable = false;
    } else if (auto msgs = apimachinery::is_dns1123_subdomain(pvc.name); !msgs.empty()) {
      check.invalid_string(item_path + ".name", pvc.name, apimachinery::aggregate_strings(msgs));
      usable = false;
    }
    if (pvc.create) {
      // What a claim to create needs; without them the API server would
      // refuse the claim later, with a message about a claim the user never wrote.
      for (auto [key, value] : {std::pair<std::string_view, const std::string*>{"size", &pvc.size},
                                {"storageClass", &pvc.storage_class},
                                {"volumeAccessMode", &pvc.access_mode}}) {
        if (value->empty()) {
          check.add(FieldErrorType::kRequired, join_field_path(item_path, key), "",
                    "required when create is true");
          usable = false;
        }
      }
      if (!pvc.access_mode.empty() && std::find(kPvcAccessModes.begin(), kPvcAccessModes.end(),
                                                pvc.access_mode) == kPvcAccessModes.end()) {
        errors.push_back(apimachinery::not_supported_error(
            item_path + ".volumeAccessMode", apimachinery::render_bad_string(pvc.access_mode),
            {kPvcAccessModes.begin(), kPvcAccessModes.end()}));
        usable = false;
      }
    }
    if (usable) out.push_back(std::move(pvc));
  }
  return out;
}

// Mounts name claims of spec.pvcs; a compilation cache without a mount point
// gets its backend's default.
void resolve_mounts(DgdView& view, FieldErrors& errors) {
  for (ServiceView& svc : view.services) {
    for (std::size_t i = 0; i < svc.volume_mounts.size(); ++i) {
      VolumeMountView& mount = svc.volume_mounts[i];
      if (mount.mount_point.empty()) {
        mount.mount_point = compilation_cache_mount_point(view.backend_framework);
        if (mount.mount_point.empty()) {
          errors.push_back(FieldError{
              FieldErrorType::kRequired,
              fmt::format("spec.services[{}].volumeMounts[{}].mountPoint", svc.name, i), "",
              "a compilation cache has a default mount point only when "
              "spec.backendFramework is set (sglang, vllm or trtllm); set one of them"});
        }
      }
      const std::string& claim = mount.name;
      bool known = std::any_of(view.pvcs.begin(), view.pvcs.end(),
                               [&](const PvcView& p) { return p.name == claim; });
      if (!known) {
        errors.push_back(FieldError{
            FieldErrorType::kNotFound,
            fmt::format("spec.services[{}].volumeMounts[{}].name", svc.name, i),
            apimachinery::render_bad_string(claim), "no claim of that name in spec.pvcs"});
      }
    }
  }
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

DgdParseResult parse_dgd(simdjson::dom::element dgd, DgdParts parts) {
  DgdParseResult result;
  Checker check(result.errors);
  DgdView& view = result.view;
  const bool all = parts == DgdParts::kAll;
  if (!dgd.is_object()) {
    check.type_error("", dgd, "an object");
    return result;
  }
  dom::object root(dgd);
  if (auto meta = check.object(root, "metadata", "")) {
    view.name = check.string(*meta, "name", "metadata");
    view.k8s_namespace = check.string(*meta, "namespace", "metadata");
    view.uid = check.string(*meta, "uid", "metadata");
    view.resource_version = check.string(*meta, "resourceVersion", "metadata");
    if (auto g = field_of(*meta, "generation")) view.generation = whole_number(*g).value_or(0);
    view.deleting = field_of(*meta, "deletionTimestamp").has_value();
  }
  if (all) {
    if (auto st = field_of(root, "status"); st && st->is_object()) {
      view.status = std::move(apimachinery::to_boost_json(*st).as_object());
    }
  }

  auto spec = check.object(root, "spec", "");
  if (!spec) {
    check.add(FieldErrorType::kRequired, "spec", "", "");
    return result;
  }
  view.backend_framework = check.string(*spec, "backendFramework", "spec");
  if (!view.backend_framework.empty() && view.backend_framework != "sglang" &&
      view.backend_framework != "vllm" && view.backend_framework != "trtllm") {
    result.errors.push_back(apimachinery::not_supported_error(
        "spec.backendFramework", apimachinery::render_bad_string(view.backend_framework),
        {"sglang", "vllm", "trtllm"}));
  }
  if (all) {
    view.envs = env_list(check, *spec, "envs", "spec");
    view.pvcs = parse_pvcs(check, *spec, result.errors);
  }

  auto services = check.object(*spec, "services", "spec");
  if (!services || services->size() == 0) {
    check.add(FieldErrorType::kRequired, "spec.services", "", "at least one service is required");
    return result;
  }
  if (services->size() > kMaxServices) {
    result.errors.push_back(apimachinery::too_many_error("spec.services",
                                                         static_cast<long long>(services->size()),
                                                         static_cast<long long>(kMaxServices)));
  }
  // Services whose names differ only in case or punctuation would share an
  // adapter and pod names; refuse them rather than let them fight. (At most
  // a few dozen: a list beats a map here.)
  std::vector<std::pair<std::string, std::string_view>> by_name_part;
  by_name_part.reserve(services->size());
  view.services.reserve(services->size());
  for (auto [key, value] : *services) {
    std::string path;
    path.reserve(16 + key.size());
    path.append("spec.services[").append(key).push_back(']');
    // The service name is the value of the nvidia.com/dynamo-component label.
    if (auto msgs = apimachinery::is_valid_label_value(key); key.empty() || !msgs.empty()) {
      check.invalid_string(
          path, key,
          key.empty() ? "a service name must not be empty" : apimachinery::aggregate_strings(msgs));
      continue;
    }
    std::string name_part = service_name_part(key);
    auto it = std::find_if(by_name_part.begin(), by_name_part.end(),
                           [&](const auto& seen) { return seen.first == name_part; });
    if (it != by_name_part.end()) {
      check.add(FieldErrorType::kDuplicate, path, apimachinery::render_bad_string(key),
                fmt::format("service names must differ in more than case and punctuation; "
                            "\"{}\" would share the adapter {} with \"{}\"",
                            key, adapter_name(view.name, key), it->second));
      continue;
    }
    by_name_part.emplace_back(std::move(name_part), key);
    if (!value.is_object()) {
      check.type_error(path, value, "an object");
      continue;
    }
    ServiceView& svc = view.services.emplace_back();
    svc.name = std::string(key);
    parse_scaling(check, dom::object(value), path, svc);
    if (all) parse_pod_parts(check, dom::object(value), path, svc);
  }
  if (all) resolve_mounts(view, result.errors);
  return result;
}

apimachinery::Result<DgdParseResult> parse_dgd_json(std::string_view dgd_json, DgdParts parts) {
  // Private to this function: the view copies out what it keeps, so no
  // element of this parser outlives the call.
  thread_local apimachinery::JsonDecoder decoder;
  auto root = decoder.parse_view(dgd_json);
  if (!root) return apimachinery::Error{root.error()};
  return parse_dgd(*root, parts);
}

std::string format_field_errors(const apimachinery::FieldErrors& errors) {
  return apimachinery::aggregate_message(errors);
}

}  // namespace dynop::plugins::common
