#include "localcluster/admission/webhook_config.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "lib/apimachinery/base64.hpp"

namespace dynop::localcluster::admission {

namespace json = boost::json;

namespace {

std::string string_field(const json::object& object, std::string_view key) {
  const auto* v = object.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::vector<std::string> strings_field(const json::object& object, std::string_view key) {
  std::vector<std::string> out;
  const auto* v = object.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& item : v->get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

apimachinery::LabelSelector selector_field(const json::object& object, std::string_view key,
                                           std::string& error) {
  const auto* v = object.if_contains(key);
  if (!v || v->is_null()) return {};  // kube defaults an absent selector to {}
  auto parsed = apimachinery::LabelSelector::from_json(*v);
  if (!parsed) {
    error = std::string(key) + ": " + parsed.error();
    return apimachinery::LabelSelector::nothing();
  }
  return std::move(*parsed);
}

Webhook parse_webhook(const json::object& item, const std::string& configuration) {
  Webhook webhook;
  webhook.configuration = configuration;
  webhook.name = string_field(item, "name");
  if (const auto* client = item.if_contains("clientConfig"); client && client->is_object()) {
    const auto& config = client->get_object();
    webhook.client.url = string_field(config, "url");
    if (const auto* service = config.if_contains("service"); service && service->is_object()) {
      const auto& s = service->get_object();
      webhook.client.service_namespace = string_field(s, "namespace");
      webhook.client.service_name = string_field(s, "name");
      webhook.client.service_path = string_field(s, "path");
      if (const auto* port = s.if_contains("port"); port && port->is_int64()) {
        webhook.client.service_port = static_cast<int>(port->get_int64());
      }
    }
    std::string bundle = string_field(config, "caBundle");
    if (!bundle.empty()) {
      if (auto pem = apimachinery::base64_decode(bundle)) {
        webhook.client.ca_pem = std::move(*pem);
      } else {
        webhook.error = "clientConfig.caBundle is not valid base64";
      }
    }
  }
  if (webhook.client.url.empty() && webhook.client.service_name.empty() && webhook.error.empty()) {
    webhook.error = "clientConfig: exactly one of url or service is required";
  }
  if (const auto* rules = item.if_contains("rules"); rules && rules->is_array()) {
    for (const auto& r : rules->get_array()) {
      if (!r.is_object()) continue;
      const auto& rule = r.get_object();
      RuleWithOperations parsed;
      parsed.operations = strings_field(rule, "operations");
      parsed.api_groups = strings_field(rule, "apiGroups");
      parsed.api_versions = strings_field(rule, "apiVersions");
      parsed.resources = strings_field(rule, "resources");
      if (auto scope = string_field(rule, "scope"); !scope.empty()) parsed.scope = scope;
      webhook.rules.push_back(std::move(parsed));
    }
  }
  std::string selector_error;
  webhook.namespace_selector = selector_field(item, "namespaceSelector", selector_error);
  webhook.object_selector = selector_field(item, "objectSelector", selector_error);
  if (!selector_error.empty() && webhook.error.empty()) webhook.error = selector_error;
  if (string_field(item, "failurePolicy") == "Ignore") {
    webhook.failure_policy = FailurePolicy::kIgnore;
  }
  if (auto side_effects = string_field(item, "sideEffects"); !side_effects.empty()) {
    webhook.side_effects = side_effects;
  }
  if (const auto* timeout = item.if_contains("timeoutSeconds"); timeout && timeout->is_int64()) {
    webhook.timeout_seconds =
        static_cast<int>(std::clamp<std::int64_t>(timeout->get_int64(), 1, 30));
  }
  webhook.admission_review_versions = strings_field(item, "admissionReviewVersions");
  if (webhook.error.empty() && !webhook.admission_review_versions.empty() &&
      std::find(webhook.admission_review_versions.begin(), webhook.admission_review_versions.end(),
                "v1") == webhook.admission_review_versions.end()) {
    webhook.error = "webhook does not accept known AdmissionReview versions";
  }
  return webhook;
}

}  // namespace

std::vector<WebhookPtr> parse_configuration(const json::value& configuration) {
  std::vector<WebhookPtr> out;
  if (!configuration.is_object()) return out;
  const auto& object = configuration.get_object();
  std::string name;
  if (const auto* meta = object.if_contains("metadata"); meta && meta->is_object()) {
    name = string_field(meta->get_object(), "name");
  }
  const auto* webhooks = object.if_contains("webhooks");
  if (!webhooks || !webhooks->is_array()) return out;
  for (const auto& item : webhooks->get_array()) {
    if (item.is_object()) {
      out.push_back(std::make_shared<const Webhook>(parse_webhook(item.get_object(), name)));
    }
  }
  return out;
}

std::string call_url(const Webhook& webhook) {
  std::string url;
  if (!webhook.client.url.empty()) {
    url = webhook.client.url;
  } else {
    url = "https://127.0.0.1:" + std::to_string(webhook.client.service_port);
    const std::string& path = webhook.client.service_path;
    url += path.empty() ? "/" : (path.front() == '/' ? path : "/" + path);
  }
  url += url.find('?') == std::string::npos ? "?" : "&";
  url += "timeout=" + std::to_string(webhook.timeout_seconds) + "s";
  return url;
}

}  // namespace dynop::localcluster::admission
