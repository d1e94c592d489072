#include "localcluster/controllers/keda/keda_operator.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "lib/apimachinery/conditions.hpp"
#include "lib/apimachinery/object_meta.hpp"

namespace dynop::localcluster::keda {

namespace json = boost::json;
using apimachinery::Error;
using apimachinery::Result;

namespace {

Result<json::object> parse_object(const std::string& text) {
  try {
    auto v = json::parse(text);
    if (v.is_object()) return std::move(v.as_object());
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  return Error{"not an object"};
}

// What KEDA's predicates look at: generation, annotations and the deletion
// timestamp (and for HPAs, spec and labels too).
bool changed_outside_status(std::string_view old_json, std::string_view new_json, bool spec_too) {
  json::value old_value, new_value;
  try {
    old_value = json::parse(old_json);
    new_value = json::parse(new_json);
  } catch (const std::exception&) {
    return true;
  }
  auto member = [](const json::value& v, const char* key) -> json::value {
    if (!v.is_object()) return nullptr;
    const auto* m = v.get_object().if_contains(key);
    return m ? *m : json::value(nullptr);
  };
  const json::value old_meta = member(old_value, "metadata");
  const json::value new_meta = member(new_value, "metadata");
  for (const char* key : {"generation", "annotations", "deletionTimestamp"}) {
    if (member(old_meta, key) != member(new_meta, key)) return true;
  }
  if (spec_too) {
    if (member(old_meta, "labels") != member(new_meta, "labels")) return true;
    if (member(old_value, "spec") != member(new_value, "spec")) return true;
  }
  return false;
}

}  // namespace

json::array initialized_conditions() {
  json::array out;
  for (const char* type : {"Ready", "Active", "Fallback", "Paused"}) {
    out.push_back(json::object{{"type", type}, {"status", "Unknown"}});
  }
  return out;
}

bool conditions_initialized(const json::value& conditions) {
  if (!conditions.is_array()) return false;
  for (const char* type : {"Ready", "Active", "Fallback", "Paused"}) {
    if (!apimachinery::find_condition(conditions.get_array(), type)) return false;
  }
  return true;
}

bool set_condition(json::array& conditions, const KedaCondition& condition) {
  json::object wanted{{"type", condition.type}, {"status", condition.status}};
  if (!condition.reason.empty()) wanted["reason"] = condition.reason;
  if (!condition.message.empty()) wanted["message"] = condition.message;
  for (auto& c : conditions) {
    if (!c.is_object()) continue;
    const auto* t = c.get_object().if_contains("type");
    if (!t || !t->is_string() || t->get_string() != condition.type) continue;
    if (c.get_object() == wanted) return false;
    c = std::move(wanted);
    return true;
  }
  conditions.push_back(std::move(wanted));
  return true;
}

KedaOperator::KedaOperator(kube::Client& client, record::EventRecorder& recorder,
                           KedaOptions options)
    : client_(client), recorder_(recorder), options_(options) {}

class KedaOperator::Reconciler : public controller::Reconciler {
 public:
  explicit Reconciler(KedaOperator& op) : op_(op) {}
  controller::ReconcileResult reconcile(const controller::Request& request) override {
    return op_.reconcile(request);
  }

 private:
  KedaOperator& op_;
};

Result<std::unique_ptr<KedaOperator>> KedaOperator::create(kube::Client& client,
                                                           kube::InformerFactory& informers,
                                                           record::EventRecorder& recorder,
                                                           KedaOptions options) {
  auto scaled_objects = informers.informer_for("keda.sh/v1alpha1", "ScaledObject");
  if (!scaled_objects) return Error{scaled_objects.error().message};
  auto hpas = informers.informer_for("autoscaling/v2", "HorizontalPodAutoscaler");
  if (!hpas) return Error{hpas.error().message};
  std::unique_ptr<KedaOperator> op(new KedaOperator(client, recorder, options));
  op->scaled_objects_ = scaled_objects.value();
  op->hpas_ = hpas.value();
  op->reconciler_ = std::make_unique<Reconciler>(*op);
  controller::ControllerOptions controller_options;
  controller_options.name = "scaledobject";
  op->controller_ = std::make_unique<controller::Controller>(controller_options, *op->reconciler_);
  // KEDA's predicates: a ScaledObject is reconciled when it appears, when its
  // generation or its annotations (pause) change, and when it goes; status
  // writes do not reconcile it. An owned HPA reconciles its ScaledObject
  // when it appears, goes, or its spec, labels or annotations change.
  auto& queue = op->controller_->queue();
  auto own_key = [](const kube::ObjectPtr& o) {
    return controller::Request{std::string(o->ns()), std::string(o->name())};
  };
  kube::EventHandler so_events;
  so_events.on_add = [&queue, own_key](const kube::ObjectPtr& o) { queue.add(own_key(o)); };
  so_events.on_update = [&queue, own_key](const kube::ObjectPtr& old, const kube::ObjectPtr& now) {
    if (changed_outside_status(old->json(), now->json(), /*spec_too=*/false))
      queue.add(own_key(now));
  };
  so_events.on_delete = [&queue, own_key](const kube::ObjectPtr& o) { queue.add(own_key(o)); };
  op->handlers_.emplace_back(op->scaled_objects_, op->scaled_objects_->add_handler(so_events));
  auto owner = controller::map_controller_owner("keda.sh/v1alpha1", "ScaledObject");
  auto enqueue_owner = [&queue, owner](const kube::ObjectPtr& o) {
    for (auto& request : owner(o)) queue.add(request);
  };
  kube::EventHandler hpa_events;
  hpa_events.on_add = enqueue_owner;
  hpa_events.on_update = [enqueue_owner](const kube::ObjectPtr& old, const kube::ObjectPtr& now) {
    if (changed_outside_status(old->json(), now->json(), /*spec_too=*/true)) enqueue_owner(now);
  };
  hpa_events.on_delete = enqueue_owner;
  op->handlers_.emplace_back(op->hpas_, op->hpas_->add_handler(hpa_events));
  return op;
}

KedaOperator::~KedaOperator() {
  stop();
  for (auto& [informer, id] : handlers_) informer->remove_handler(id);
}

void KedaOperator::start() {
  {
    std::lock_guard lock(loops_mutex_);
    stopping_ = false;
  }
  loops_thread_ = std::thread([this] { run_loops(); });
  controller_->start();
}

void KedaOperator::stop() {
  if (controller_) controller_->stop();
  {
    std::lock_guard lock(loops_mutex_);
    stopping_ = true;
  }
  loops_wake_.notify_all();
  if (loops_thread_.joinable()) loops_thread_.join();
}

std::optional<json::object> KedaOperator::cached_scaled_object(const std::string& ns,
                                                               const std::string& name) const {
  auto object = scaled_objects_->cache().get(ns, name);
  if (!object) return std::nullopt;
  auto parsed = parse_object(std::string(object->json()));
  if (!parsed) return std::nullopt;
  return std::move(*parsed);
}

Result<std::vector<KedaOperator::Scaler>> KedaOperator::build_scalers(
    const ScaledObjectSpec& spec) const {
  std::vector<Scaler> scalers;
  for (std::size_t i = 0; i < spec.triggers.size(); ++i) {
    const Trigger& trigger = spec.triggers[i];
    if (trigger.type != "prometheus") {
      return Error{"no scaler found for type: " + trigger.type};
    }
    auto metadata = parse_prometheus_metadata(trigger, static_cast<int>(i));
    if (!metadata) return Error{metadata.error()};
    scalers.push_back(
        Scaler{trigger.name.empty() ? "prometheusScaler" : trigger.name, std::move(*metadata)});
  }
  return scalers;
}

Result<TriggerValue> KedaOperator::query(const PrometheusMetadata& metadata) {
  std::shared_ptr<prometheus::QueryClient> client;
  const std::string key = metadata.server_address + (metadata.unsafe_ssl ? "#unsafe" : "");
  {
    std::lock_guard lock(clients_mutex_);
    auto it = prometheus_clients_.find(key);
    if (it != prometheus_clients_.end()) client = it->second;
  }
  if (!client) {
    prometheus::QueryClientOptions client_options;
    client_options.base_url = metadata.server_address;
    client_options.timeout = options_.http_timeout;
    client_options.insecure_skip_verify = metadata.unsafe_ssl;
    auto created = prometheus::QueryClient::create(client_options);
    if (!created) return Error{created.error()};
    client = std::shared_ptr<prometheus::QueryClient>(std::move(*created));
    std::lock_guard lock(clients_mutex_);
    prometheus_clients_.emplace(key, client);
  }
  std::map<std::string, std::string> params = metadata.query_parameters;
  if (!metadata.namespace_.empty()) params["namespace"] = metadata.namespace_;
  unsigned http_status = 0;
  auto result =
      client->query(metadata.query, std::nullopt, params, metadata.custom_headers, &http_status);
  return evaluate_query_result(metadata, result, http_status);
}

Result<json::object> KedaOperator::patch_status(const json::object& so,
                                                const json::object& status) {
  auto resource = client_.resource_for("keda.sh/v1alpha1", "ScaledObject");
  if (!resource) return Error{resource.error().message};
  const std::string patch = json::serialize(json::object{{"status", status}});
  auto written =
      client_.patch(*resource, std::string(apimachinery::namespace_of(so)),
                    std::string(apimachinery::name(so)), kube::PatchType::kMerge, patch, "status");
  if (!written) return Error{written.error().message};
  return parse_object(written.value());
}

Result<void> KedaOperator::update_status(const std::string& ns, const std::string& name,
                                         const std::vector<KedaCondition>& conditions,
                                         const json::object& fields) {
  auto resource = client_.resource_for("keda.sh/v1alpha1", "ScaledObject");
  if (!resource) return Error{resource.error().message};
  auto current = client_.get(*resource, ns, name);
  if (!current) return Error{current.error().message};
  auto so = parse_object(current.value());
  if (!so) return Error{so.error()};
  json::object status;
  if (const auto* s = so->if_contains("status"); s && s->is_object()) status = s->get_object();
  json::array list;
  if (const auto* c = status.if_contains("conditions"); c && c->is_array()) list = c->get_array();
  json::object patch;
  bool changed = false;
  for (const auto& condition : conditions) changed = set_condition(list, condition) || changed;
  if (changed) patch["conditions"] = std::move(list);
  for (const auto& [key, value] : fields) {
    const auto* have = status.if_contains(key);
    if (!have || *have != value) patch[key] = value;
  }
  if (patch.empty()) return {};
  auto patched = patch_status(*so, patch);
  if (!patched) return Error{patched.error()};
  return {};
}

Result<json::object> KedaOperator::patch_metadata(const json::object& so,
                                                  const json::object& metadata) {
  auto resource = client_.resource_for("keda.sh/v1alpha1", "ScaledObject");
  if (!resource) return Error{resource.error().message};
  json::object meta = metadata;
  meta["resourceVersion"] = std::string(apimachinery::resource_version(so));
  const std::string patch = json::serialize(json::object{{"metadata", std::move(meta)}});
  auto written = client_.patch(*resource, std::string(apimachinery::namespace_of(so)),
                               std::string(apimachinery::name(so)), kube::PatchType::kMerge, patch);
  if (!written) return Error{written.error().message};
  return parse_object(written.value());
}

Result<kube::ResourceInfo> KedaOperator::target_resource(const ScaleTarget& target) {
  auto resource = client_.resource_for(target.api_version, target.kind);
  if (!resource) {
    // The RESTMapper's error, as KEDA's ParseGVKR passes it on.
    auto gv = apimachinery::parse_group_version(target.api_version);
    return Error{"no matches for kind \"" + target.kind + "\" in version \"" +
                 (gv ? gv->to_string() : target.api_version) + "\""};
  }
  return resource.value();
}

void KedaOperator::record_event(const json::object& so, const std::string& type,
                                const std::string& reason, const std::string& message) {
  record::InvolvedObject object{"keda.sh/v1alpha1",
                                "ScaledObject",
                                std::string(apimachinery::namespace_of(so)),
                                std::string(apimachinery::name(so)),
                                std::string(apimachinery::uid(so)),
                                std::string(apimachinery::resource_version(so))};
  recorder_.record(object, type, reason, message);
}

}  // namespace dynop::localcluster::keda
