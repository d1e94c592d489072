#include "host/autoscaling/replica_gauges.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <functional>

#include "lib/kube/cache/informer.hpp"
#include "lib/kube/cache/informer_factory.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::host::autoscaling {
namespace json = boost::json;

namespace {

const json::object* object_at(const json::value& v, std::initializer_list<const char*> path) {
  const json::value* at = &v;
  for (const char* key : path) {
    const auto* obj = at->if_object();
    if (obj == nullptr) return nullptr;
    at = obj->if_contains(key);
    if (at == nullptr) return nullptr;
  }
  return at->if_object();
}

std::string string_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<double> number_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}

std::optional<json::value> parse(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

}  // namespace

struct ReplicaGauges::Kind {
  std::string api_version;
  std::string kind;
  std::string metric;
  std::string help;
  std::function<std::vector<Reading>(std::string_view)> read;
  kube::Informer* informer = nullptr;
  int handler_id = 0;
  // The label sets each object ("ns/name") has now, to drop the stale ones.
  std::map<std::string, std::vector<std::map<std::string, std::string>>> exported;
};

std::vector<ReplicaGauges::Reading> ReplicaGauges::read_adapter(std::string_view text) {
  auto doc = parse(text);
  if (!doc) return {};
  const auto* meta = object_at(*doc, {"metadata"});
  const auto* spec = object_at(*doc, {"spec"});
  const auto* ref = object_at(*doc, {"spec", "dgdRef"});
  if (meta == nullptr || spec == nullptr || ref == nullptr) return {};
  auto replicas = number_of(*spec, "replicas");
  if (!replicas) return {};
  return {Reading{{{"namespace", string_of(*meta, "namespace")},
                   {"name", string_of(*meta, "name")},
                   {"graph", string_of(*ref, "name")},
                   {"service", string_of(*ref, "serviceName")}},
                  *replicas}};
}

std::vector<ReplicaGauges::Reading> ReplicaGauges::read_graph(std::string_view text) {
  auto doc = parse(text);
  if (!doc) return {};
  const auto* meta = object_at(*doc, {"metadata"});
  const auto* services = object_at(*doc, {"status", "services"});
  if (meta == nullptr || services == nullptr) return {};
  std::vector<Reading> out;
  for (const auto& [service, status] : *services) {
    const auto* s = status.if_object();
    auto ready = s != nullptr ? number_of(*s, "readyReplicas") : std::nullopt;
    out.push_back(Reading{{{"namespace", string_of(*meta, "namespace")},
                           {"graph", string_of(*meta, "name")},
                           {"service", std::string(service)}},
                          ready.value_or(0)});
  }
  return out;
}

ReplicaGauges::ReplicaGauges(kube::InformerFactory& informers, metrics::Registry& registry)
    : informers_(informers), registry_(registry) {
  kinds_.push_back(Kind{"nvidia.com/v1alpha1",
                        "DynamoGraphDeploymentScalingAdapter",
                        "dynop_scale_target_replicas",
                        "Desired replicas of a scaling adapter (spec.replicas), as autoscalers "
                        "and kubectl scale set them.",
                        &ReplicaGauges::read_adapter,
                        nullptr,
                        0,
                        {}});
  kinds_.push_back(Kind{"nvidia.com/v1alpha1",
                        "DynamoGraphDeployment",
                        "dynop_graph_service_ready_replicas",
                        "Ready replicas of a graph's service (status.services.<service>."
                        "readyReplicas).",
                        &ReplicaGauges::read_graph,
                        nullptr,
                        0,
                        {}});
}

ReplicaGauges::~ReplicaGauges() { stop(); }

void ReplicaGauges::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void ReplicaGauges::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (Kind& kind : kinds_) {
    if (kind.informer != nullptr && kind.handler_id != 0)
      kind.informer->remove_handler(kind.handler_id);
    kind.handler_id = 0;
  }
}

bool ReplicaGauges::attach(Kind& kind) {
  if (kind.handler_id != 0) return true;
  auto informer = informers_.informer_for(kind.api_version, kind.kind);
  if (!informer) return false;
  kind.informer = *informer;
  kube::EventHandler handler;
  handler.on_add = [this, &kind](const kube::ObjectPtr& object) { set(kind, object); };
  handler.on_update = [this, &kind](const kube::ObjectPtr&, const kube::ObjectPtr& now) {
    set(kind, now);
  };
  handler.on_delete = [this, &kind](const kube::ObjectPtr& object) { clear(kind, object); };
  kind.handler_id = kind.informer->add_handler(std::move(handler));
  return true;
}

void ReplicaGauges::set(Kind& kind, const kube::ObjectPtr& object) {
  auto readings = kind.read(object->json());
  auto family = registry_.gauge(kind.metric, kind.help);
  std::lock_guard lock(mutex_);
  auto& exported = kind.exported[std::string(object->ns()) + "/" + std::string(object->name())];
  for (const auto& labels : exported) {
    const bool still = std::any_of(readings.begin(), readings.end(),
                                   [&](const Reading& r) { return r.labels == labels; });
    if (!still) family.prometheus_family().Remove(&family.with(labels));
  }
  exported.clear();
  for (const Reading& r : readings) {
    family.with(r.labels).Set(r.value);
    exported.push_back(r.labels);
  }
}

void ReplicaGauges::clear(Kind& kind, const kube::ObjectPtr& object) {
  auto family = registry_.gauge(kind.metric, kind.help);
  std::lock_guard lock(mutex_);
  auto it = kind.exported.find(std::string(object->ns()) + "/" + std::string(object->name()));
  if (it == kind.exported.end()) return;
  for (const auto& labels : it->second) family.prometheus_family().Remove(&family.with(labels));
  kind.exported.erase(it);
}

void ReplicaGauges::run() {
  std::chrono::milliseconds retry(500);
  for (;;) {
    bool all = true;
    for (Kind& kind : kinds_) all = attach(kind) && all;
    if (all) return;
    std::unique_lock lock(mutex_);
    if (cv_.wait_for(lock, retry, [&] { return stopping_; })) return;
    retry = std::min(retry * 2, std::chrono::milliseconds(10000));
  }
}

}  // namespace dynop::host::autoscaling
