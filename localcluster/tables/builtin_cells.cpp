#include "localcluster/tables/builtin_cells.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "lib/apimachinery/conditions.hpp"
#include "localcluster/builtin/autoscaling/hpa_types.hpp"

namespace dynop::localcluster::tables {
namespace {

namespace json = boost::json;
using apimachinery::Timestamp;

const json::object& obj(const json::object& o, std::string_view key) {
  static const json::object kEmpty;
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? v->get_object() : kEmpty;
}

const json::array& arr(const json::object& o, std::string_view key) {
  static const json::array kEmpty;
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_array() ? v->get_array() : kEmpty;
}

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

long long num(const json::object& o, std::string_view key, long long fallback = 0) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return fallback;
  return v->to_number<long long>();
}

bool has(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && !v->is_null();
}

std::string or_none(const std::string& s) { return s.empty() ? "<none>" : s; }

std::string age_of(const std::string& timestamp, Timestamp now) {
  if (timestamp.empty()) return "<unknown>";
  auto t = apimachinery::parse_time(timestamp);
  if (!t) return "<unknown>";
  return apimachinery::translate_timestamp_since(*t, now);
}

std::string age(const json::object& o, Timestamp now) {
  return age_of(str(obj(o, "metadata"), "creationTimestamp"), now);
}

std::string name(const json::object& o) { return str(obj(o, "metadata"), "name"); }

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string selector_string(const json::object& labels) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : labels)
    parts.push_back(std::string(k) + "=" + (v.is_string() ? std::string(v.get_string()) : ""));
  std::sort(parts.begin(), parts.end());
  return join(parts, ",");
}

json::array pod(const json::object& o, Timestamp now) {
  const auto& spec = obj(o, "spec");
  const auto& status = obj(o, "status");
  const auto total = arr(spec, "containers").size();
  std::size_t ready = 0;
  long long restarts = 0;
  std::string last_restart;
  std::string reason = str(status, "phase");
  if (!str(status, "reason").empty()) reason = str(status, "reason");

  bool initializing = false;
  const auto& init_statuses = arr(status, "initContainerStatuses");
  for (std::size_t i = 0; i < init_statuses.size(); ++i) {
    if (!init_statuses[i].is_object()) continue;
    const auto& cs = init_statuses[i].get_object();
    restarts += num(cs, "restartCount");
    const auto& state = obj(cs, "state");
    const auto& terminated = obj(state, "terminated");
    const auto& waiting = obj(state, "waiting");
    if (has(state, "terminated") && num(terminated, "exitCode") == 0) continue;
    if (has(state, "terminated")) {
      reason = str(terminated, "reason").empty()
                   ? "Init:ExitCode:" + std::to_string(num(terminated, "exitCode"))
                   : "Init:" + str(terminated, "reason");
    } else if (has(state, "waiting") && !str(waiting, "reason").empty() &&
               str(waiting, "reason") != "PodInitializing") {
      reason = "Init:" + str(waiting, "reason");
    } else {
      reason =
          "Init:" + std::to_string(i) + "/" + std::to_string(arr(spec, "initContainers").size());
    }
    initializing = true;
    break;
  }
  if (!initializing) {
    restarts = 0;
    bool has_running = false;
    const auto& statuses = arr(status, "containerStatuses");
    for (auto it = statuses.rbegin(); it != statuses.rend(); ++it) {
      if (!it->is_object()) continue;
      const auto& cs = it->get_object();
      restarts += num(cs, "restartCount");
      const auto& state = obj(cs, "state");
      const auto& last_terminated = obj(obj(cs, "lastState"), "terminated");
      const std::string finished = str(last_terminated, "finishedAt");
      if (!finished.empty() && finished > last_restart) last_restart = finished;
      const auto& waiting = obj(state, "waiting");
      const auto& terminated = obj(state, "terminated");
      if (has(state, "waiting") && !str(waiting, "reason").empty()) {
        reason = str(waiting, "reason");
      } else if (has(state, "terminated") && !str(terminated, "reason").empty()) {
        reason = str(terminated, "reason");
      } else if (has(state, "terminated")) {
        reason = num(terminated, "signal") != 0
                     ? "Signal:" + std::to_string(num(terminated, "signal"))
                     : "ExitCode:" + std::to_string(num(terminated, "exitCode"));
      } else if (has(state, "running")) {
        if (const auto* r = cs.if_contains("ready");
            r != nullptr && r->is_bool() && r->get_bool()) {
          has_running = true;
          ++ready;
        }
      }
    }
    if (reason == "Completed" && has_running) {
      reason = "Running";
      if (const auto* c = apimachinery::find_condition(arr(status, "conditions"), "Ready");
          c && str(*c, "status") != "True") {
        reason = "NotReady";
      }
    }
  }
  if (has(obj(o, "metadata"), "deletionTimestamp")) {
    reason = str(status, "reason") == "NodeLost" ? "Unknown" : "Terminating";
  }
  std::string restarts_text = std::to_string(restarts);
  if (restarts > 0 && !last_restart.empty()) {
    restarts_text += " (" + age_of(last_restart, now) + " ago)";
  }
  std::string gates = "<none>";
  const auto& readiness_gates = arr(spec, "readinessGates");
  if (!readiness_gates.empty()) {
    std::size_t true_gates = 0;
    for (const auto& g : readiness_gates) {
      if (!g.is_object()) continue;
      const std::string type = str(g.get_object(), "conditionType");
      for (const auto& c : arr(status, "conditions"))
        if (c.is_object() && str(c.get_object(), "type") == type &&
            str(c.get_object(), "status") == "True")
          ++true_gates;
    }
    gates = std::to_string(true_gates) + "/" + std::to_string(readiness_gates.size());
  }
  return {json::value(name(o)),
          json::value(std::to_string(ready) + "/" + std::to_string(total)),
          json::value(reason),
          json::value(restarts_text),
          json::value(age(o, now)),
          json::value(or_none(str(status, "podIP"))),
          json::value(or_none(str(spec, "nodeName"))),
          json::value(or_none(str(status, "nominatedNodeName"))),
          json::value(gates)};
}

json::array node(const json::object& o, Timestamp now) {
  const auto& status = obj(o, "status");
  std::string state = "Unknown";
  if (const auto* c = apimachinery::find_condition(arr(status, "conditions"), "Ready")) {
    state = str(*c, "status") == "True" ? "Ready" : "NotReady";
  }
  const auto* unsched = obj(o, "spec").if_contains("unschedulable");
  if (unsched != nullptr && unsched->is_bool() && unsched->get_bool())
    state += ",SchedulingDisabled";
  std::vector<std::string> roles;
  for (const auto& [k, v] : obj(obj(o, "metadata"), "labels")) {
    const std::string key(k);
    const std::string prefix = "node-role.kubernetes.io/";
    if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size())
      roles.push_back(key.substr(prefix.size()));
    if (key == "kubernetes.io/role" && v.is_string() && !v.get_string().empty())
      roles.emplace_back(v.get_string());
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  auto address = [&](const char* type) {
    for (const auto& a : arr(status, "addresses"))
      if (a.is_object() && str(a.get_object(), "type") == type)
        return str(a.get_object(), "address");
    return std::string("<none>");
  };
  const auto& info = obj(status, "nodeInfo");
  auto or_unknown = [](const std::string& s) { return s.empty() ? std::string("<unknown>") : s; };
  return {json::value(name(o)),
          json::value(state),
          json::value(roles.empty() ? "<none>" : join(roles, ",")),
          json::value(age(o, now)),
          json::value(str(info, "kubeletVersion")),
          json::value(address("InternalIP")),
          json::value(address("ExternalIP")),
          json::value(or_unknown(str(info, "osImage"))),
          json::value(or_unknown(str(info, "kernelVersion"))),
          json::value(or_unknown(str(info, "containerRuntimeVersion")))};
}

std::string access_modes(const json::array& modes) {
  static const std::map<std::string, std::string> kShort = {{"ReadWriteOnce", "RWO"},
                                                            {"ReadOnlyMany", "ROX"},
                                                            {"ReadWriteMany", "RWX"},
                                                            {"ReadWriteOncePod", "RWOP"}};
  std::vector<std::string> out;
  for (const auto& m : modes) {
    if (!m.is_string()) continue;
    auto it = kShort.find(std::string(m.get_string()));
    if (it != kShort.end() && std::find(out.begin(), out.end(), it->second) == out.end())
      out.push_back(it->second);
  }
  return join(out, ",");
}

json::array pvc(const json::object& o, Timestamp now) {
  const auto& spec = obj(o, "spec");
  const auto& status = obj(o, "status");
  std::string phase = str(status, "phase");
  if (has(obj(o, "metadata"), "deletionTimestamp")) phase = "Terminating";
  std::string capacity;
  std::string modes;
  if (!str(spec, "volumeName").empty()) {
    const auto* storage = obj(status, "capacity").if_contains("storage");
    if (storage != nullptr && storage->is_string()) capacity = std::string(storage->get_string());
    modes = access_modes(arr(status, "accessModes"));
  }
  std::string storage_class = str(spec, "storageClassName");
  if (storage_class.empty()) {
    storage_class =
        str(obj(obj(o, "metadata"), "annotations"), "volume.beta.kubernetes.io/storage-class");
  }
  const std::string mode = str(spec, "volumeMode");
  return {json::value(name(o)),
          json::value(phase),
          json::value(str(spec, "volumeName")),
          json::value(capacity),
          json::value(modes),
          json::value(storage_class),
          json::value(age(o, now)),
          json::value(mode.empty() ? "<unset>" : mode)};
}

json::array service(const json::object& o, Timestamp now) {
  const auto& spec = obj(o, "spec");
  std::string type = str(spec, "type");
  if (type.empty()) type = "ClusterIP";
  std::string external = "<none>";
  std::vector<std::string> ips;
  for (const auto& ip : arr(spec, "externalIPs"))
    if (ip.is_string()) ips.emplace_back(ip.get_string());
  if (type == "ExternalName") {
    external = str(spec, "externalName");
  } else if (type == "LoadBalancer") {
    std::vector<std::string> lb;
    for (const auto& ing : arr(obj(obj(o, "status"), "loadBalancer"), "ingress")) {
      if (!ing.is_object()) continue;
      const std::string ip = str(ing.get_object(), "ip");
      lb.push_back(ip.empty() ? str(ing.get_object(), "hostname") : ip);
    }
    lb.insert(lb.end(), ips.begin(), ips.end());
    external = lb.empty() ? "<pending>" : join(lb, ",");
  } else if (!ips.empty()) {
    external = join(ips, ",");
  }
  std::vector<std::string> ports;
  for (const auto& p : arr(spec, "ports")) {
    if (!p.is_object()) continue;
    const auto& po = p.get_object();
    std::string protocol = str(po, "protocol");
    if (protocol.empty()) protocol = "TCP";
    std::string text = std::to_string(num(po, "port"));
    if (num(po, "nodePort") != 0) text += ":" + std::to_string(num(po, "nodePort"));
    ports.push_back(text + "/" + protocol);
  }
  const auto& selector = obj(spec, "selector");
  return {json::value(name(o)),
          json::value(type),
          json::value(or_none(str(spec, "clusterIP"))),
          json::value(external),
          json::value(ports.empty() ? "<none>" : join(ports, ",")),
          json::value(age(o, now)),
          json::value(selector.empty() ? "<none>" : selector_string(selector))};
}

// Core v1 and events.k8s.io/v1 Events share kube's printer.
json::array event(const json::object& o, bool events_v1, Timestamp now) {
  const auto& involved = obj(o, events_v1 ? "regarding" : "involvedObject");
  const auto& source = obj(o, events_v1 ? "deprecatedSource" : "source");
  const std::string first_ts = str(o, events_v1 ? "deprecatedFirstTimestamp" : "firstTimestamp");
  const std::string last_ts = str(o, events_v1 ? "deprecatedLastTimestamp" : "lastTimestamp");
  std::string first = first_ts.empty() ? "<unknown>" : age_of(first_ts, now);
  if (first_ts.empty()) {
    const std::string event_time = str(o, "eventTime");
    if (!event_time.empty()) {
      auto t = apimachinery::parse_micro_time(event_time);
      first = t ? apimachinery::translate_timestamp_since(*t, now) : "<unknown>";
    }
  }
  std::string last = last_ts.empty() ? first : age_of(last_ts, now);
  long long count = num(o, events_v1 ? "deprecatedCount" : "count");
  if (has(o, "series")) {
    const auto& series = obj(o, "series");
    auto t = apimachinery::parse_micro_time(str(series, "lastObservedTime"));
    last = t ? apimachinery::translate_timestamp_since(*t, now) : "<unknown>";
    count = num(series, "count");
  } else if (count == 0) {
    count = 1;
  }
  const std::string kind = lower(str(involved, "kind"));
  const std::string target =
      str(involved, "name").empty() ? kind : kind + "/" + str(involved, "name");
  const std::string component =
      str(source, "component").empty() ? str(o, "reportingController") : str(source, "component");
  const std::string instance =
      str(source, "host").empty() ? str(o, "reportingInstance") : str(source, "host");
  const std::string src = instance.empty() ? component : component + ", " + instance;
  return {json::value(last),
          json::value(str(o, "type")),
          json::value(str(o, "reason")),
          json::value(target),
          json::value(str(involved, "fieldPath")),
          json::value(src),
          json::value(str(o, events_v1 ? "note" : "message")),
          json::value(first),
          json::value(count),
          json::value(name(o))};
}

json::array deployment(const json::object& o, Timestamp now) {
  const auto& spec = obj(o, "spec");
  const auto& status = obj(o, "status");
  std::vector<std::string> names, images;
  for (const auto& c : arr(obj(obj(spec, "template"), "spec"), "containers")) {
    if (!c.is_object()) continue;
    names.push_back(str(c.get_object(), "name"));
    images.push_back(str(c.get_object(), "image"));
  }
  const auto& selector = obj(obj(spec, "selector"), "matchLabels");
  return {json::value(name(o)),
          json::value(std::to_string(num(status, "readyReplicas")) + "/" +
                      std::to_string(num(spec, "replicas", 1))),
          json::value(num(status, "updatedReplicas")),
          json::value(num(status, "availableReplicas")),
          json::value(age(o, now)),
          json::value(join(names, ",")),
          json::value(join(images, ",")),
          json::value(selector.empty() ? "<none>" : selector_string(selector))};
}

// printers.go formatHPAMetrics: "current/target" per metric, "<unknown>"
// until the controller reports a value, "(avg)" for AverageValue targets of
// External and Object metrics, at most two entries then "+ N more...".
std::string hpa_targets(const json::object& o) {
  using autoscaling::MetricStatus;
  const auto spec = autoscaling::parse_spec(json::value(obj(o, "spec")));
  if (spec.metrics.empty()) return "<none>";
  const auto status = autoscaling::parse_status(json::value(obj(o, "status")));
  auto status_at = [&](std::size_t i, const char* type) -> const MetricStatus* {
    if (i >= status.current_metrics.size()) return nullptr;
    const auto& s = status.current_metrics[i];
    return s.type == type ? &s : nullptr;
  };
  auto text = [](const std::optional<apimachinery::Quantity>& q) {
    return q ? q->to_string() : std::string("<nil>");
  };
  std::vector<std::string> list;
  for (std::size_t i = 0; i < spec.metrics.size(); ++i) {
    const auto& m = spec.metrics[i];
    if (!m.source_present) {
      list.emplace_back("<unknown type>");
      continue;
    }
    if (m.type == "External" || m.type == "Object") {
      const MetricStatus* s = status_at(i, m.type.c_str());
      if (m.target.average_value) {
        const std::string current =
            s && s->current.average_value ? s->current.average_value->to_string() : "<unknown>";
        list.push_back(current + "/" + m.target.average_value->to_string() + " (avg)");
      } else {
        const std::string current = s ? text(s->current.value) : "<unknown>";
        list.push_back(current + "/" + text(m.target.value));
      }
    } else if (m.type == "Pods") {
      const MetricStatus* s = status_at(i, "Pods");
      const std::string current = s ? text(s->current.average_value) : "<unknown>";
      list.push_back(current + "/" + text(m.target.average_value));
    } else if (m.type == "Resource" || m.type == "ContainerResource") {
      const MetricStatus* s = status_at(i, m.type.c_str());
      if (m.target.average_value) {
        const std::string current = s ? text(s->current.average_value) : "<unknown>";
        list.push_back(m.resource_name + ": " + current + "/" +
                       m.target.average_value->to_string());
      } else {
        const std::string current = s && s->current.average_utilization
                                        ? std::to_string(*s->current.average_utilization) + "%"
                                        : "<unknown>";
        const std::string target = m.target.average_utilization
                                       ? std::to_string(*m.target.average_utilization) + "%"
                                       : "<auto>";
        list.push_back(m.resource_name + ": " + current + "/" + target);
      }
    } else {
      list.emplace_back("<unknown type>");
    }
  }
  constexpr std::size_t kMaximum = 2;
  if (list.size() > kMaximum) {
    const auto more = list.size() - kMaximum;
    list.resize(kMaximum);
    return join(list, ", ") + " + " + std::to_string(more) + " more...";
  }
  return join(list, ", ");
}

json::array hpa(const json::object& o, Timestamp now) {
  const auto& spec = obj(o, "spec");
  const auto& ref = obj(spec, "scaleTargetRef");
  // MINPODS is a string cell ("<unset>" or the number), the others integers.
  const std::string min_pods =
      has(spec, "minReplicas") ? std::to_string(num(spec, "minReplicas")) : "<unset>";
  return {json::value(name(o)),
          json::value(str(ref, "kind") + "/" + str(ref, "name")),
          json::value(hpa_targets(o)),
          json::value(min_pods),
          json::value(num(spec, "maxReplicas")),
          json::value(num(obj(o, "status"), "currentReplicas")),
          json::value(age(o, now))};
}

json::array endpoints(const json::object& o, Timestamp now) {
  std::vector<std::string> list;
  std::size_t total = 0;
  for (const auto& s : arr(o, "subsets")) {
    if (!s.is_object()) continue;
    const auto& so = s.get_object();
    const auto& ports = arr(so, "ports");
    for (const auto& a : arr(so, "addresses")) {
      if (!a.is_object()) continue;
      const std::string ip = str(a.get_object(), "ip");
      if (ports.empty()) {
        ++total;
        if (list.size() < 3) list.push_back(ip);
      }
      for (const auto& p : ports) {
        ++total;
        if (list.size() < 3 && p.is_object())
          list.push_back(ip + ":" + std::to_string(num(p.get_object(), "port")));
      }
    }
  }
  std::string text = list.empty() ? "<none>" : join(list, ",");
  if (total > list.size()) text += " + " + std::to_string(total - list.size()) + " more...";
  return {json::value(name(o)), json::value(text), json::value(age(o, now))};
}

// printEndpointSlice: the first three ports and addresses, "<unset>" for none.
json::array endpoint_slice(const json::object& o, Timestamp now) {
  auto at_most_three = [](const std::vector<std::string>& items, std::size_t total) {
    std::vector<std::string> shown(items.begin(),
                                   items.begin() + std::min<std::size_t>(3, items.size()));
    std::string text = shown.empty() ? "<unset>" : join(shown, ",");
    if (total > 3) text += " + " + std::to_string(total - 3) + " more...";
    return text;
  };
  std::vector<std::string> ports;
  for (const auto& p : arr(o, "ports")) {
    if (!p.is_object()) continue;
    const auto& po = p.get_object();
    if (has(po, "port")) {
      ports.push_back(std::to_string(num(po, "port")));
    } else if (has(po, "name")) {
      ports.push_back(str(po, "name"));
    } else {
      ports.push_back("*");
    }
  }
  std::vector<std::string> addresses;
  for (const auto& e : arr(o, "endpoints")) {
    if (!e.is_object()) continue;
    for (const auto& a : arr(e.get_object(), "addresses")) {
      if (a.is_string()) addresses.push_back(std::string(a.get_string()));
    }
  }
  return {json::value(name(o)), json::value(str(o, "addressType")),
          json::value(at_most_three(ports, ports.size())),
          json::value(at_most_three(addresses, addresses.size())), json::value(age(o, now))};
}

}  // namespace

std::optional<boost::json::array> builtin_cells(const ResourceType& type,
                                                const boost::json::object& o, Timestamp now) {
  if (type.is_custom()) return std::nullopt;
  const std::string& g = type.group;
  const std::string& k = type.kind;
  if (g.empty()) {
    if (k == "Pod") return pod(o, now);
    if (k == "Node") return node(o, now);
    if (k == "Namespace") {
      return json::array{json::value(name(o)), json::value(str(obj(o, "status"), "phase")),
                         json::value(age(o, now))};
    }
    if (k == "ConfigMap") {
      return json::array{
          json::value(name(o)),
          json::value(static_cast<long long>(obj(o, "data").size() + obj(o, "binaryData").size())),
          json::value(age(o, now))};
    }
    if (k == "Secret") {
      return json::array{json::value(name(o)), json::value(str(o, "type")),
                         json::value(static_cast<long long>(obj(o, "data").size())),
                         json::value(age(o, now))};
    }
    if (k == "PersistentVolumeClaim") return pvc(o, now);
    if (k == "Service") return service(o, now);
    if (k == "Event") return event(o, false, now);
    if (k == "ServiceAccount") {
      return json::array{json::value(name(o)),
                         json::value(static_cast<long long>(arr(o, "secrets").size())),
                         json::value(age(o, now))};
    }
    if (k == "Endpoints") return endpoints(o, now);
    return std::nullopt;
  }
  if (g == "events.k8s.io" && k == "Event") return event(o, true, now);
  if (g == "discovery.k8s.io" && k == "EndpointSlice") return endpoint_slice(o, now);
  if (g == "coordination.k8s.io" && k == "Lease") {
    return json::array{json::value(name(o)), json::value(str(obj(o, "spec"), "holderIdentity")),
                       json::value(age(o, now))};
  }
  if (g == "apiextensions.k8s.io" && k == "CustomResourceDefinition") {
    auto t = apimachinery::parse_time(str(obj(o, "metadata"), "creationTimestamp"));
    return json::array{json::value(name(o)),
                       t ? json::value(apimachinery::format_time(*t)) : json::value(nullptr)};
  }
  if (g == "apps" && k == "Deployment") return deployment(o, now);
  if (g == "autoscaling" && k == "HorizontalPodAutoscaler") return hpa(o, now);
  if (g == "admissionregistration.k8s.io") {
    return json::array{json::value(name(o)),
                       json::value(static_cast<long long>(arr(o, "webhooks").size())),
                       json::value(age(o, now))};
  }
  return std::nullopt;
}

}  // namespace dynop::localcluster::tables
