#include "localcluster/server/strategies.hpp"

#include <atomic>
#include <boost/json.hpp>

#include "lib/apimachinery/base64.hpp"
#include "lib/apimachinery/go_quote.hpp"
#include "lib/apimachinery/time.hpp"
#include "localcluster/builtin/autoscaling/hpa_decoding.hpp"
#include "localcluster/builtin/autoscaling/hpa_validation.hpp"
#include "localcluster/registry/crd_resource_types.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::server {

namespace {

bool is_core(const ResourceType& type, std::string_view plural) {
  return type.group.empty() && type.plural == plural;
}

bool is_hpa(const ResourceType& type) {
  return type.group == "autoscaling" && type.plural == "horizontalpodautoscalers";
}

void set_default(boost::json::object& object, std::string_view key, boost::json::value value) {
  if (!object.contains(key)) object[key] = std::move(value);
}

void prepare_container(boost::json::value& value) {
  if (!value.is_object()) return;
  auto& c = value.get_object();
  set_default(c, "terminationMessagePath", "/dev/termination-log");
  set_default(c, "terminationMessagePolicy", "File");
  std::string image = string_at(&c, "image");
  bool latest = image.find(':') == std::string::npos || image.ends_with(":latest");
  set_default(c, "imagePullPolicy", latest ? "Always" : "IfNotPresent");
  // Limits without requests become the requests, as kube's defaulting does.
  if (auto* resources = c.if_contains("resources"); resources && resources->is_object()) {
    auto& r = resources->get_object();
    if (auto* found = r.if_contains("limits"); found && found->is_object()) {
      // Copy the limits first: inserting "requests" may reallocate r and move them.
      const boost::json::object limits = found->get_object();
      auto& requests = r["requests"];
      if (!requests.is_object()) requests = boost::json::object();
      for (const auto& kv : limits) {
        if (!requests.get_object().contains(kv.key())) requests.get_object()[kv.key()] = kv.value();
      }
    }
  }
  if (auto* ports = c.if_contains("ports"); ports && ports->is_array()) {
    for (auto& port : ports->get_array()) {
      if (port.is_object()) set_default(port.get_object(), "protocol", "TCP");
    }
  }
}

void prepare_pod(boost::json::object& pod) {
  auto& spec_value = pod["spec"];
  if (!spec_value.is_object()) spec_value = boost::json::object();
  auto& spec = spec_value.get_object();
  for (const char* list : {"containers", "initContainers"}) {
    if (auto* containers = spec.if_contains(list); containers && containers->is_array()) {
      for (auto& c : containers->get_array()) prepare_container(c);
    }
  }
  set_default(spec, "restartPolicy", "Always");
  set_default(spec, "terminationGracePeriodSeconds", 30);
  set_default(spec, "dnsPolicy", "ClusterFirst");
  set_default(spec, "serviceAccountName", "default");
  set_default(spec, "serviceAccount", spec.at("serviceAccountName"));
  set_default(spec, "securityContext", boost::json::object());
  set_default(spec, "schedulerName", "default-scheduler");
  set_default(spec, "enableServiceLinks", true);
  set_default(spec, "priority", 0);
  set_default(spec, "preemptionPolicy", "PreemptLowerPriority");
  if (!spec.contains("tolerations")) {
    boost::json::array tolerations;
    for (const char* key : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
      tolerations.push_back(boost::json::object{{"key", key},
                                                {"operator", "Exists"},
                                                {"effect", "NoExecute"},
                                                {"tolerationSeconds", 300}});
    }
    spec["tolerations"] = std::move(tolerations);
  }
  boost::json::object status;
  status["phase"] = "Pending";
  status["qosClass"] = pod_qos_class(pod);
  pod["status"] = std::move(status);
}

std::string next_cluster_ip() {
  static std::atomic<unsigned> counter{10};
  unsigned n = counter++;
  return "10.0." + std::to_string((n / 250) % 250) + "." + std::to_string(n % 250 + 2);
}

}  // namespace

std::string pod_qos_class(const boost::json::object& pod) {
  const auto* spec = pod.if_contains("spec");
  if (!spec || !spec->is_object()) return "BestEffort";
  bool any = false;
  bool guaranteed = true;
  const auto* containers = spec->get_object().if_contains("containers");
  if (!containers || !containers->is_array()) return "BestEffort";
  for (const auto& c : containers->get_array()) {
    const boost::json::object* requests = nullptr;
    const boost::json::object* limits = nullptr;
    if (const auto* r = c.is_object() ? c.get_object().if_contains("resources") : nullptr;
        r && r->is_object()) {
      if (const auto* v = r->get_object().if_contains("requests"); v && v->is_object()) {
        requests = &v->get_object();
      }
      if (const auto* v = r->get_object().if_contains("limits"); v && v->is_object()) {
        limits = &v->get_object();
      }
    }
    for (const char* resource : {"cpu", "memory"}) {
      const auto* req = requests ? requests->if_contains(resource) : nullptr;
      const auto* lim = limits ? limits->if_contains(resource) : nullptr;
      if (req || lim) any = true;
      if (!lim || (req && *req != *lim)) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

void prepare_for_create(const ResourceType& type, boost::json::object& object) {
  if (is_core(type, "pods")) {
    prepare_pod(object);
  } else if (is_core(type, "namespaces")) {
    auto& meta = metadata(object);
    auto& labels = meta["labels"];
    if (!labels.is_object()) labels = boost::json::object();
    labels.get_object()["kubernetes.io/metadata.name"] = string_at(&meta, "name");
    object["spec"] = boost::json::object{{"finalizers", boost::json::array{"kubernetes"}}};
    object["status"] = boost::json::object{{"phase", "Active"}};
  } else if (is_core(type, "services")) {
    auto& spec_value = object["spec"];
    if (!spec_value.is_object()) spec_value = boost::json::object();
    auto& spec = spec_value.get_object();
    set_default(spec, "type", "ClusterIP");
    if (!spec.contains("clusterIP")) spec["clusterIP"] = next_cluster_ip();
    if (spec.at("clusterIP").is_string() && spec.at("clusterIP").get_string() != "None") {
      set_default(spec, "clusterIPs", boost::json::array{spec.at("clusterIP")});
    }
    set_default(spec, "sessionAffinity", "None");
    set_default(spec, "ipFamilies", boost::json::array{"IPv4"});
    set_default(spec, "ipFamilyPolicy", "SingleStack");
    set_default(spec, "internalTrafficPolicy", "Cluster");
    if (auto* ports = spec.if_contains("ports"); ports && ports->is_array()) {
      for (auto& p : ports->get_array()) {
        if (!p.is_object()) continue;
        auto& port = p.get_object();
        set_default(port, "protocol", "TCP");
        if (port.contains("port")) set_default(port, "targetPort", port.at("port"));
      }
    }
    object["status"] = boost::json::object{{"loadBalancer", boost::json::object()}};
  } else if (is_core(type, "secrets")) {
    set_default(object, "type", "Opaque");
    if (auto* string_data = object.if_contains("stringData");
        string_data && string_data->is_object()) {
      auto& data = object["data"];
      if (!data.is_object()) data = boost::json::object();
      for (const auto& kv : string_data->get_object()) {
        if (kv.value().is_string())
          data.get_object()[kv.key()] = apimachinery::base64_encode(kv.value().get_string());
      }
      object.erase("stringData");
    }
  } else if (is_hpa(type)) {
    // The registry's PrepareForCreate resets the status.
    object["status"] = boost::json::object{{"currentMetrics", nullptr}, {"desiredReplicas", 0}};
  } else if (type.group == "apiextensions.k8s.io" && type.plural == "customresourcedefinitions") {
    boost::json::value crd = std::move(object);
    default_crd(crd);
    object = std::move(crd.as_object());
    boost::json::array stored;
    if (const auto* spec = object.if_contains("spec"); spec && spec->is_object()) {
      if (const auto* versions = spec->get_object().if_contains("versions");
          versions && versions->is_array()) {
        for (const auto& v : versions->get_array()) {
          if (v.is_object() && v.get_object().contains("storage") &&
              v.get_object().at("storage") == true && v.get_object().contains("name")) {
            stored.push_back(v.get_object().at("name"));
          }
        }
      }
    }
    object["status"] =
        boost::json::object{{"conditions", nullptr},
                            {"acceptedNames", boost::json::object{{"plural", ""}, {"kind", ""}}},
                            {"storedVersions", std::move(stored)}};
  }
}

std::optional<ApiError> validate_update(const ResourceType& type, const boost::json::object& old,
                                        const boost::json::object& updated) {
  if (!is_core(type, "pods")) return std::nullopt;
  const auto* old_spec = old.if_contains("spec");
  const auto* new_spec = updated.if_contains("spec");
  if (!old_spec || !new_spec || !old_spec->is_object() || !new_spec->is_object()) {
    return std::nullopt;
  }
  // Mask what kube lets an update change, then require the rest identical.
  auto masked = [](boost::json::object spec) {
    spec.erase("activeDeadlineSeconds");
    spec.erase("tolerations");
    spec.erase("terminationGracePeriodSeconds");
    for (const char* list : {"containers", "initContainers"}) {
      if (auto* cs = spec.if_contains(list); cs && cs->is_array()) {
        for (auto& c : cs->get_array()) {
          if (c.is_object()) c.get_object().erase("image");
        }
      }
    }
    return spec;
  };
  boost::json::object a = masked(old_spec->get_object());
  boost::json::object b = masked(new_spec->get_object());
  // The scheduler's binding is the only writer of nodeName after creation.
  if (string_at(&a, "nodeName").empty()) a.erase("nodeName");
  if (a == b) return std::nullopt;
  ApiError error = invalid(
      ErrorSubject{"", "Pod", string_at(metadata(updated), "name"), ""},
      {apimachinery::FieldError{
          apimachinery::FieldErrorType::kForbidden, "spec", "",
          "pod updates may not change fields other than `spec.containers[*].image`, "
          "`spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` "
          "(only additions to existing tolerations) or `spec.terminationGracePeriodSeconds` "
          "(allow it to be set to 1 if it was previously negative)"}});
  return error;
}

std::optional<ApiError> decode_typed_fields(const ResourceType& type, boost::json::object& object) {
  if (is_hpa(type)) {
    auto error = type.version == "v1" ? autoscaling::hpa_v1_decode_error(object)
                                      : autoscaling::hpa_decode_error(object);
    if (!error) return std::nullopt;
    return bad_request(type.kind + " in version \"" + type.version + "\" cannot be handled as a " +
                       type.kind + ": " + *error);
  }
  if (type.group != "coordination.k8s.io" || type.plural != "leases") return std::nullopt;
  auto* spec = object.if_contains("spec");
  if (!spec || !spec->is_object()) return std::nullopt;
  for (const char* field : {"acquireTime", "renewTime"}) {
    auto* value = spec->get_object().if_contains(field);
    if (!value || !value->is_string()) continue;
    auto parsed = apimachinery::parse_micro_time(value->get_string());
    if (!parsed) {
      return bad_request(type.kind + " in version \"" + type.version +
                         "\" cannot be handled as a " + type.kind + ": " + parsed.error());
    }
    *value = apimachinery::format_micro_time(*parsed);
  }
  return std::nullopt;
}

void prepare_for_update(const ResourceType& type, std::string_view subresource,
                        const boost::json::object& old, boost::json::object& object) {
  if (!is_core(type, "namespaces") || subresource == "finalize") return;
  const auto* old_spec = old.if_contains("spec");
  const auto* finalizers = old_spec && old_spec->is_object()
                               ? old_spec->get_object().if_contains("finalizers")
                               : nullptr;
  auto& spec = object["spec"];
  if (!spec.is_object()) spec = boost::json::object();
  if (finalizers) {
    spec.get_object()["finalizers"] = *finalizers;
  } else {
    spec.get_object().erase("finalizers");
  }
}

void apply_decode_defaults(const ResourceType& type, boost::json::object& object) {
  if (is_hpa(type)) autoscaling::canonicalize_hpa(object);
}

apimachinery::FieldErrors validate_kind(const ResourceType& type, const boost::json::object& object,
                                        const boost::json::object* old_object, bool status_only) {
  if (!is_hpa(type)) return {};
  return status_only ? autoscaling::validate_hpa_status(object)
                     : autoscaling::validate_hpa(object, old_object);
}

void prepare_status_update(const ResourceType& type, boost::json::object& object) {
  if (!is_core(type, "pods")) return;
  auto* status = object.if_contains("status");
  if (!status || !status->is_object()) return;
  auto& s = status->get_object();
  std::string ip = string_at(&s, "podIP");
  if (!ip.empty() && !s.contains("podIPs")) {
    s["podIPs"] = boost::json::array{boost::json::object{{"ip", ip}}};
  }
}

}  // namespace dynop::localcluster::server
