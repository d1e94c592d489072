#include "localcluster/admission/webhook_dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "lib/admission/admission_request.hpp"
#include "localcluster/admission/webhook_matcher.hpp"
#include "localcluster/admission/webhook_response.hpp"
#include "localcluster/schema/scale_validation.hpp"
#include "localcluster/server/impersonation.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::admission {

namespace json = boost::json;
namespace review = dynop::admission;

namespace {

const std::string kConfigurations =
    storage_resource("admissionregistration.k8s.io", "validatingwebhookconfigurations");

// kube-apiserver never sends its own webhook configurations to webhooks, so
// a broken webhook can always be removed.
bool exempt(const ResourceType& type) {
  return type.group == "admissionregistration.k8s.io" &&
         (type.plural == "validatingwebhookconfigurations" ||
          type.plural == "mutatingwebhookconfigurations");
}

std::string options_json(const server::AdmissionAttributes& attributes) {
  std::string kind = attributes.operation == "CREATE"   ? "CreateOptions"
                     : attributes.operation == "UPDATE" ? "UpdateOptions"
                                                        : "DeleteOptions";
  json::object options{{"kind", kind}, {"apiVersion", "meta.k8s.io/v1"}};
  if (attributes.dry_run) options["dryRun"] = json::array{"All"};
  if (const auto* info = attributes.request_info) {
    const char* keys[] = {"fieldManager", "fieldValidation", "propagationPolicy"};
    for (const char* key : keys) {
      if (kind == "DeleteOptions" && std::string_view(key) != "propagationPolicy") continue;
      if (kind != "DeleteOptions" && std::string_view(key) == "propagationPolicy") continue;
      if (const std::string* value = info->param(key); value && !value->empty()) {
        options[key] = *value;
      }
    }
  }
  return json::serialize(options);
}

}  // namespace

json::value scale_of(const ResourceType& type, const json::value& object) {
  json::object meta;
  if (object.is_object()) {
    if (const auto* m = object.get_object().if_contains("metadata"); m && m->is_object()) {
      for (const char* key : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
        if (const auto* v = m->get_object().if_contains(key)) meta[key] = *v;
      }
    }
  }
  std::int64_t replicas = 0;
  std::int64_t current = 0;
  json::object status;
  if (type.scale) {
    if (const auto* v = schema::find_path(object, type.scale->spec_replicas_path);
        v && v->is_int64()) {
      replicas = v->get_int64();
    }
    if (const auto* v = schema::find_path(object, type.scale->status_replicas_path);
        v && v->is_int64()) {
      current = v->get_int64();
    }
  }
  status["replicas"] = current;
  if (type.scale && !type.scale->label_selector_path.empty()) {
    if (const auto* v = schema::find_path(object, type.scale->label_selector_path);
        v && v->is_string()) {
      status["selector"] = v->get_string();
    }
  }
  return json::object{{"kind", "Scale"},
                      {"apiVersion", "autoscaling/v1"},
                      {"metadata", std::move(meta)},
                      {"spec", json::object{{"replicas", replicas}}},
                      {"status", std::move(status)}};
}

WebhookDispatcher::WebhookDispatcher(storage::ObjectStore& store) : store_(store) {}

WebhookDispatcher::~WebhookDispatcher() = default;

server::AdmissionHook WebhookDispatcher::hook() {
  return [this](const server::AdmissionAttributes& attributes, std::vector<std::string>& warnings) {
    return admit(attributes, warnings);
  };
}

std::vector<WebhookPtr> WebhookDispatcher::webhooks() {
  auto listed = store_.list(storage::Selection{kConfigurations, "", {}});
  std::lock_guard lock(mutex_);
  std::map<std::string, CachedConfiguration> next;
  for (const auto& item : listed.items) {
    const std::string& name = item.attrs->name;
    auto it = configurations_.find(name);
    if (it != configurations_.end() && it->second.resource_version == item.resource_version) {
      next.emplace(name, std::move(it->second));
      continue;
    }
    boost::system::error_code ec;
    auto parsed = json::parse(*item.json, ec);
    CachedConfiguration cached{item.resource_version,
                               ec ? std::vector<WebhookPtr>{} : parse_configuration(parsed)};
    next.emplace(name, std::move(cached));
  }
  configurations_ = std::move(next);
  std::vector<WebhookPtr> all;
  for (const auto& [name, cached] : configurations_) {
    all.insert(all.end(), cached.webhooks.begin(), cached.webhooks.end());
  }
  return all;
}

net::HttpClient* WebhookDispatcher::client_for(const Webhook& webhook, std::string& error) {
  std::string server_name;
  if (webhook.client.url.empty()) {
    server_name = webhook.client.service_name + "." + webhook.client.service_namespace + ".svc";
  }
  std::string key = webhook.client.ca_pem + '\n' + server_name;
  std::lock_guard lock(mutex_);
  auto it = clients_.find(key);
  if (it != clients_.end()) return it->second.get();
  net::ClientOptions options;
  options.tls.ca_pem = webhook.client.ca_pem;
  options.tls.server_name = server_name;
  options.user_agent = "kube-apiserver-admission";
  auto client = net::HttpClient::create(options, error);
  if (!client) return nullptr;
  return (clients_[key] = std::move(client)).get();
}

std::optional<server::ApiError> WebhookDispatcher::admit(
    const server::AdmissionAttributes& attributes, std::vector<std::string>& warnings) {
  if (!attributes.type || exempt(*attributes.type)) return std::nullopt;
  const ResourceType& type = *attributes.type;
  auto all = webhooks();
  if (all.empty()) return std::nullopt;

  // What the webhook is sent: for /scale, the autoscaling/v1 Scale.
  bool scale = attributes.subresource == "scale";
  std::optional<json::value> scale_object;
  std::optional<json::value> scale_old;
  const json::value* object = attributes.object;
  const json::value* old_object = attributes.old_object;
  if (scale) {
    if (object) object = &scale_object.emplace(scale_of(type, *object));
    if (old_object) old_object = &scale_old.emplace(scale_of(type, *old_object));
  }
  MatchRequest match{
      attributes.operation,      type.group, type.version, type.plural, attributes.subresource,
      attributes.namespace_name, object,     old_object};

  std::optional<std::map<std::string, std::string>> namespace_labels;
  bool namespace_read = false;
  auto labels_of_namespace = [&]() -> const std::map<std::string, std::string>* {
    if (!namespace_read) {
      namespace_read = true;
      auto ns = store_.get("namespaces", "", attributes.namespace_name);
      if (ns.ok()) {
        namespace_labels.emplace(ns.value().attrs->labels.begin(), ns.value().attrs->labels.end());
      }
    }
    return namespace_labels ? &*namespace_labels : nullptr;
  };

  std::string request_body;
  std::string uid;
  for (const auto& webhook : all) {
    if (!rules_match(*webhook, match)) continue;
    bool needs_namespace = !webhook->namespace_selector.empty() && !match.namespace_name.empty();
    if (!namespace_selector_matches(*webhook, match,
                                    needs_namespace ? labels_of_namespace() : nullptr)) {
      continue;
    }
    if (!object_selector_matches(*webhook, match)) continue;
    if (attributes.dry_run && !webhook->supports_dry_run()) {
      return dry_run_unsupported(webhook->name);
    }
    if (!webhook->error.empty()) {
      auto error = judge_failure(*webhook, webhook->error);
      if (error) return error;
      continue;
    }
    // One review per request, as kube sends the same uid to every webhook.
    if (request_body.empty()) {
      review::AdmissionRequest request;
      uid = server::new_uid();
      request.uid = uid;
      request.kind = scale ? review::GroupVersionKind{"autoscaling", "v1", "Scale"}
                           : review::GroupVersionKind{type.group, type.version, type.kind};
      request.resource = {type.group, type.version, type.plural};
      request.sub_resource = attributes.subresource;
      request.request_kind = request.kind;
      request.request_resource = request.resource;
      request.request_sub_resource = attributes.subresource;
      request.name = attributes.name;
      request.namespace_ = attributes.namespace_name;
      auto operation = review::parse_operation(attributes.operation);
      request.operation = operation.value_or(review::Operation::kCreate);
      request.user_info =
          attributes.request_info ? attributes.request_info->user : server::admin_user();
      if (object) request.object = json::serialize(*object);
      if (old_object) request.old_object = json::serialize(*old_object);
      request.dry_run = attributes.dry_run;
      request.options = options_json(attributes);
      auto encoded = review::encode_request(request);
      if (!encoded.ok()) return server::internal_error(encoded.error);
      request_body = std::move(encoded.body);
    }
    std::string url = call_url(*webhook);
    std::string error;
    net::HttpClient* client = client_for(*webhook, error);
    if (!client) {
      if (auto denied = judge_failure(*webhook, "failed to call webhook: " + error)) return denied;
      continue;
    }
    net::ClientRequest call;
    call.method = "POST";
    call.url = url;
    call.headers.emplace_back("Content-Type", "application/json");
    call.headers.emplace_back("Accept", "application/json, */*");
    call.body = request_body;
    call.timeout = std::chrono::seconds(webhook->timeout_seconds);
    auto result = client->request(call);
    if (!result.ok()) {
      spdlog::warn("admission webhook {}: {}", webhook->name, result.error);
    }
    if (auto denied = judge_call(*webhook, result, url, uid, warnings)) return denied;
  }
  return std::nullopt;
}

}  // namespace dynop::localcluster::admission
