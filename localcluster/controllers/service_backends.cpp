#include "localcluster/controllers/service_backends.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <map>

#include "lib/apimachinery/conditions.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::controllers {

namespace json = boost::json;
using server::string_at;

namespace {

const json::object& empty_object() {
  static const json::object empty;
  return empty;
}

const json::object& object_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? v->as_object() : empty_object();
}

const json::array* array_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? &v->as_array() : nullptr;
}

std::string text(const json::object& o, std::string_view key) { return string_at(&o, key); }

// The container port a service port's targetPort names in this pod.
std::optional<long long> resolve(const json::object& pod, const json::value& target,
                                 const std::string& protocol) {
  if (target.is_int64()) return target.as_int64();
  if (target.is_uint64()) return static_cast<long long>(target.as_uint64());
  if (!target.is_string()) return std::nullopt;
  const std::string name(target.as_string());
  const json::array* containers = array_of(object_of(pod, "spec"), "containers");
  if (!containers) return std::nullopt;
  for (const json::value& c : *containers) {
    if (!c.is_object()) continue;
    const json::array* ports = array_of(c.as_object(), "ports");
    if (!ports) continue;
    for (const json::value& p : *ports) {
      if (!p.is_object()) continue;
      const json::object& po = p.as_object();
      std::string proto = text(po, "protocol");
      if (proto.empty()) proto = "TCP";
      const json::value* number = po.if_contains("containerPort");
      if (text(po, "name") == name && proto == protocol && number && number->is_int64()) {
        return number->as_int64();
      }
    }
  }
  return std::nullopt;
}

json::object labels_of(const json::object& service) {
  const json::object& meta = object_of(service, "metadata");
  return object_of(meta, "labels");
}

bool headless(const json::object& service) {
  return text(object_of(service, "spec"), "clusterIP") == "None";
}

json::array ports_json(const std::vector<BackendPort>& ports) {
  json::array out;
  for (const BackendPort& p : ports) {
    json::object o;
    if (!p.name.empty()) o["name"] = p.name;
    o["port"] = p.port;
    o["protocol"] = p.protocol;
    out.push_back(std::move(o));
  }
  return out;
}

json::object target_ref(const json::object& service, const Backend& b) {
  return json::object{{"kind", "Pod"},
                      {"namespace", text(object_of(service, "metadata"), "namespace")},
                      {"name", b.pod},
                      {"uid", b.pod_uid}};
}

// Groups backends by their resolved port set, in order of first appearance.
std::vector<std::pair<std::vector<BackendPort>, std::vector<const Backend*>>> by_ports(
    const std::vector<Backend>& backends, bool include_terminating) {
  std::vector<std::pair<std::vector<BackendPort>, std::vector<const Backend*>>> groups;
  for (const Backend& b : backends) {
    if (b.terminating && !include_terminating) continue;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == b.ports; });
    if (it == groups.end()) {
      groups.push_back({b.ports, {}});
      it = std::prev(groups.end());
    }
    it->second.push_back(&b);
  }
  return groups;
}

}  // namespace

std::vector<Backend> service_backends(const json::object& service,
                                      const std::vector<json::object>& pods) {
  std::vector<Backend> out;
  const json::array* service_ports = array_of(object_of(service, "spec"), "ports");
  for (const json::object& pod : pods) {
    const json::object& meta = object_of(pod, "metadata");
    const json::object& status = object_of(pod, "status");
    Backend b;
    b.ip = text(status, "podIP");
    const std::string phase = text(status, "phase");
    if (b.ip.empty() || phase == "Succeeded" || phase == "Failed") continue;
    b.pod = text(meta, "name");
    b.pod_uid = text(meta, "uid");
    b.node = text(object_of(pod, "spec"), "nodeName");
    b.ready = apimachinery::status_condition_true(pod, "Ready");
    b.terminating = meta.contains("deletionTimestamp") && !meta.at("deletionTimestamp").is_null();
    if (service_ports) {
      for (const json::value& sp : *service_ports) {
        if (!sp.is_object()) continue;
        const json::object& p = sp.as_object();
        std::string protocol = text(p, "protocol");
        if (protocol.empty()) protocol = "TCP";
        const json::value* target = p.if_contains("targetPort");
        const json::value* port = p.if_contains("port");
        const json::value effective = target ? *target : (port ? *port : json::value());
        auto resolved = resolve(pod, effective, protocol);
        if (!resolved) continue;  // the pod lacks the named port
        b.ports.push_back({text(p, "name"), *resolved, protocol});
      }
    }
    out.push_back(std::move(b));
  }
  std::sort(out.begin(), out.end(),
            [](const Backend& a, const Backend& b) { return a.pod < b.pod; });
  return out;
}

json::object render_endpoints(const json::object& service, const std::vector<Backend>& backends) {
  const json::object& meta = object_of(service, "metadata");
  const bool publish_not_ready =
      object_of(service, "spec").contains("publishNotReadyAddresses") &&
      object_of(service, "spec").at("publishNotReadyAddresses") == json::value(true);
  json::object labels = labels_of(service);
  if (headless(service)) labels["service.kubernetes.io/headless"] = "";
  json::array subsets;
  for (auto& [ports, members] : by_ports(backends, false)) {
    std::vector<const Backend*> ready;
    std::vector<const Backend*> not_ready;
    for (const Backend* b : members)
      (b->ready || publish_not_ready ? ready : not_ready).push_back(b);
    auto addresses = [&](std::vector<const Backend*>& list) {
      std::sort(list.begin(), list.end(),
                [](const Backend* a, const Backend* b) { return a->ip < b->ip; });
      json::array out;
      for (const Backend* b : list) {
        json::object a{{"ip", b->ip}};
        if (!b->node.empty()) a["nodeName"] = b->node;
        a["targetRef"] = target_ref(service, *b);
        out.push_back(std::move(a));
      }
      return out;
    };
    json::object subset;
    if (!ready.empty()) subset["addresses"] = addresses(ready);
    if (!not_ready.empty()) subset["notReadyAddresses"] = addresses(not_ready);
    if (!ports.empty()) subset["ports"] = ports_json(ports);
    subsets.push_back(std::move(subset));
  }
  json::object metadata{{"name", text(meta, "name")}, {"namespace", text(meta, "namespace")}};
  if (!labels.empty()) metadata["labels"] = std::move(labels);
  json::object endpoints{
      {"apiVersion", "v1"}, {"kind", "Endpoints"}, {"metadata", std::move(metadata)}};
  if (!subsets.empty()) endpoints["subsets"] = std::move(subsets);
  return endpoints;
}

std::vector<json::object> render_endpoint_slices(const json::object& service,
                                                 const std::vector<Backend>& backends) {
  const json::object& meta = object_of(service, "metadata");
  json::object labels = labels_of(service);
  labels[kServiceNameLabel] = text(meta, "name");
  labels[kManagedByLabel] = kEndpointSliceController;
  if (headless(service)) labels["service.kubernetes.io/headless"] = "";
  const json::array owners{json::object{{"apiVersion", "v1"},
                                        {"kind", "Service"},
                                        {"name", text(meta, "name")},
                                        {"uid", text(meta, "uid")},
                                        {"controller", true},
                                        {"blockOwnerDeletion", true}}};
  auto slice = [&](json::array endpoints, json::array ports) {
    json::object s{{"apiVersion", "discovery.k8s.io/v1"},
                   {"kind", "EndpointSlice"},
                   {"metadata", json::object{{"namespace", text(meta, "namespace")},
                                             {"labels", labels},
                                             {"ownerReferences", owners}}},
                   {"addressType", "IPv4"},
                   {"endpoints", std::move(endpoints)}};
    if (!ports.empty()) s["ports"] = std::move(ports);
    return s;
  };
  std::vector<json::object> out;
  for (auto& [ports, members] : by_ports(backends, true)) {
    for (std::size_t start = 0; start < members.size(); start += kMaxEndpointsPerSlice) {
      json::array endpoints;
      const std::size_t end = std::min(members.size(), start + kMaxEndpointsPerSlice);
      for (std::size_t i = start; i < end; ++i) {
        const Backend& b = *members[i];
        json::object e{{"addresses", json::array{json::value(b.ip)}},
                       {"conditions", json::object{{"ready", b.ready && !b.terminating},
                                                   {"serving", b.ready},
                                                   {"terminating", b.terminating}}},
                       {"targetRef", target_ref(service, b)}};
        if (!b.node.empty()) e["nodeName"] = b.node;
        endpoints.push_back(std::move(e));
      }
      out.push_back(slice(std::move(endpoints), ports_json(ports)));
    }
  }
  if (out.empty()) out.push_back(slice(json::array(), json::array()));
  return out;
}

}  // namespace dynop::localcluster::controllers
