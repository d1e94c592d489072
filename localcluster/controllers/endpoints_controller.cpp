#include "localcluster/controllers/endpoints_controller.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/time.hpp"
#include "localcluster/controllers/service_backends.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::controllers {

namespace json = boost::json;

namespace {

constexpr char kTriggerTimeAnnotation[] = "endpoints.kubernetes.io/last-change-trigger-time";

std::optional<json::object> parse(const std::shared_ptr<const std::string>& text) {
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

// The selector of a Service as a LabelSelector; nullopt when it has none
// (its endpoints are someone else's).
std::optional<apimachinery::LabelSelector> selector_of(const json::object& service) {
  const json::value* spec = service.if_contains("spec");
  if (!spec || !spec->is_object()) return std::nullopt;
  const json::value* selector = spec->as_object().if_contains("selector");
  if (!selector || !selector->is_object() || selector->as_object().empty()) return std::nullopt;
  std::map<std::string, std::string> labels;
  for (const auto& kv : selector->as_object()) {
    if (kv.value().is_string()) labels[std::string(kv.key())] = std::string(kv.value().as_string());
  }
  auto parsed = apimachinery::LabelSelector::from_map(labels);
  if (!parsed) return std::nullopt;
  return *parsed;
}

bool selects(const apimachinery::LabelSelector& selector, const storage::ObjectAttrs& attrs) {
  return selector.matches_with([&](std::string_view key) -> std::optional<std::string_view> {
    const std::string* v = attrs.label(key);
    if (!v) return std::nullopt;
    return std::string_view(*v);
  });
}

const json::value& field(const json::object& o, std::string_view key) {
  static const json::value null;
  const json::value* v = o.if_contains(key);
  return v ? *v : null;
}

const json::value& labels_of(const json::object& o) {
  static const json::value null;
  const json::value* meta = o.if_contains("metadata");
  return meta && meta->is_object() ? field(meta->as_object(), "labels") : null;
}

// A new object's system metadata, as the API server sets it on create.
void stamp(json::object& object, const std::string& name) {
  json::object& meta = server::metadata(object);
  meta["name"] = name;
  meta["uid"] = server::new_uid();
  meta["creationTimestamp"] = apimachinery::format_time(apimachinery::now());
  json::value& annotations = meta["annotations"];
  if (!annotations.is_object()) annotations = json::object();
  annotations.as_object()[kTriggerTimeAnnotation] = apimachinery::format_time(apimachinery::now());
}

}  // namespace

EndpointsController::EndpointsController(storage::ObjectStore& store) : store_(store) {}

void EndpointsController::start() {
  loop_ = std::make_unique<ControllerLoop>(
      store_, storage::Selection{"", "", nullptr},
      [this](const storage::WatchEvent& event) { on_event(event); }, [this] { on_tick(); },
      std::chrono::milliseconds(100));
  loop_->start();
}

void EndpointsController::stop() {
  if (loop_) loop_->stop();
}

void EndpointsController::on_event(const storage::WatchEvent& event) {
  const storage::ObjectAttrs& attrs = *event.attrs;
  const std::string& ns = attrs.namespace_name;
  if (event.resource == "services") {
    const Key key{ns, attrs.name};
    if (event.type == storage::WatchEventType::kDeleted) {
      services_[ns].erase(attrs.name);
      // The Endpoints of a Service go with it (its slices are owned by it).
      store_.update("endpoints", ns, attrs.name, [](json::object&, storage::WriteAction& action) {
        action = storage::WriteAction::kDelete;
        return std::optional<storage::StoreError>();
      });
      return;
    }
    auto service = parse(event.json);
    auto selector = service ? selector_of(*service) : std::nullopt;
    if (!selector) {
      services_[ns].erase(attrs.name);
      return;
    }
    services_[ns][attrs.name].selector = std::move(*selector);
    dirty_.insert(key);
    return;
  }
  if (event.resource == "pods") {
    auto it = services_.find(ns);
    if (it == services_.end()) return;
    for (auto& [name, info] : it->second) {
      if (selects(info.selector, attrs) || info.members.count(attrs.name))
        dirty_.insert({ns, name});
    }
    return;
  }
  // Someone else changed what we keep: put it back.
  if (event.resource == "endpoints") {
    auto it = services_.find(ns);
    if (it != services_.end() && it->second.count(attrs.name)) dirty_.insert({ns, attrs.name});
  } else if (event.resource == kEndpointSlicesResource) {
    const std::string* service = attrs.label(kServiceNameLabel);
    auto it = services_.find(ns);
    if (service && it != services_.end() && it->second.count(*service)) {
      dirty_.insert({ns, *service});
    }
  }
}

void EndpointsController::on_tick() {
  std::set<Key> dirty;
  dirty.swap(dirty_);
  for (const Key& key : dirty) sync(key);
}

void EndpointsController::sync(const Key& key) {
  auto ns_it = services_.find(key.first);
  if (ns_it == services_.end()) return;
  auto it = ns_it->second.find(key.second);
  if (it == ns_it->second.end()) return;
  ServiceInfo& info = it->second;
  auto stored = store_.get("services", key.first, key.second);
  if (!stored.ok()) return;
  auto service = parse(stored.value().json);
  if (!service) return;

  const apimachinery::LabelSelector& selector = info.selector;
  storage::Selection pods_selection{"pods", key.first, [&selector](const storage::ObjectAttrs& a) {
                                      return selects(selector, a);
                                    }};
  std::vector<json::object> pods;
  for (const storage::StoredObject& p : store_.list(pods_selection).items) {
    if (auto pod = parse(p.json)) pods.push_back(std::move(*pod));
  }
  const std::vector<Backend> backends = service_backends(*service, pods);
  info.members.clear();
  for (const Backend& b : backends) info.members.insert(b.pod);

  sync_endpoints(key, render_endpoints(*service, backends));
  sync_slices(key, render_endpoint_slices(*service, backends));
}

void EndpointsController::sync_endpoints(const Key& key, const json::object& want) {
  auto current = store_.get("endpoints", key.first, key.second);
  if (!current.ok()) {
    json::object object = want;
    stamp(object, key.second);
    store_.create("endpoints", key.first, key.second, std::move(object));
    return;
  }
  auto have = parse(current.value().json);
  if (have && field(*have, "subsets") == field(want, "subsets") &&
      labels_of(*have) == labels_of(want)) {
    return;
  }
  store_.update("endpoints", key.first, key.second,
                [&](json::object& object, storage::WriteAction&) {
                  json::object& meta = server::metadata(object);
                  const json::value& labels = labels_of(want);
                  if (labels.is_object()) {
                    meta["labels"] = labels;
                  } else {
                    meta.erase("labels");
                  }
                  json::value& annotations = meta["annotations"];
                  if (!annotations.is_object()) annotations = json::object();
                  annotations.as_object()[kTriggerTimeAnnotation] =
                      apimachinery::format_time(apimachinery::now());
                  if (want.contains("subsets")) {
                    object["subsets"] = want.at("subsets");
                  } else {
                    object.erase("subsets");
                  }
                  return std::optional<storage::StoreError>();
                });
}

void EndpointsController::sync_slices(const Key& key, std::vector<json::object> want) {
  const std::string& service = key.second;
  storage::Selection mine{kEndpointSlicesResource, key.first,
                          [&service](const storage::ObjectAttrs& a) {
                            const std::string* s = a.label(kServiceNameLabel);
                            const std::string* m = a.label(kManagedByLabel);
                            return s && *s == service && m && *m == kEndpointSliceController;
                          }};
  std::vector<storage::StoredObject> existing = store_.list(mine).items;
  std::size_t i = 0;
  for (; i < want.size() && i < existing.size(); ++i) {
    auto have = parse(existing[i].json);
    const json::object& w = want[i];
    if (have && field(*have, "endpoints") == field(w, "endpoints") &&
        field(*have, "ports") == field(w, "ports") && labels_of(*have) == labels_of(w)) {
      continue;
    }
    store_.update(kEndpointSlicesResource, key.first, existing[i].attrs->name,
                  [&](json::object& object, storage::WriteAction&) {
                    json::object& meta = server::metadata(object);
                    meta["labels"] = labels_of(w);
                    json::value& annotations = meta["annotations"];
                    if (!annotations.is_object()) annotations = json::object();
                    annotations.as_object()[kTriggerTimeAnnotation] =
                        apimachinery::format_time(apimachinery::now());
                    object["endpoints"] = w.at("endpoints");
                    if (w.contains("ports")) {
                      object["ports"] = w.at("ports");
                    } else {
                      object.erase("ports");
                    }
                    return std::optional<storage::StoreError>();
                  });
  }
  for (; i < want.size(); ++i) {
    // generateName "<service>-", as the endpointslice controller names them.
    std::string name;
    do {
      name = service + "-" + server::random_name_suffix();
    } while (store_.get(kEndpointSlicesResource, key.first, name).ok());
    json::object object = std::move(want[i]);
    stamp(object, name);
    server::metadata(object)["generateName"] = service + "-";
    server::metadata(object)["generation"] = 1;
    store_.create(kEndpointSlicesResource, key.first, name, std::move(object));
  }
  for (std::size_t j = want.size(); j < existing.size(); ++j) {
    store_.update(kEndpointSlicesResource, key.first, existing[j].attrs->name,
                  [](json::object&, storage::WriteAction& action) {
                    action = storage::WriteAction::kDelete;
                    return std::optional<storage::StoreError>();
                  });
  }
}

}  // namespace dynop::localcluster::controllers
