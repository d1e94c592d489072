#pragma once
// One ValidatingWebhookConfiguration (admissionregistration.k8s.io/v1) read
// into what the dispatcher needs per webhook, with kube's defaults applied
// (failurePolicy Fail, timeoutSeconds 10, scope "*", matchPolicy ignored
// since every resource is served in one version, absent selectors match
// everything). `matchConditions` (CEL) are not evaluated: a webhook that has
// them is called as if they all held.

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <vector>

#include "lib/apimachinery/label_selector.hpp"

namespace dynop::localcluster::admission {

struct RuleWithOperations {
  std::vector<std::string> operations;    // CREATE UPDATE DELETE CONNECT or "*"
  std::vector<std::string> api_groups;    // "" is the core group; "*" any
  std::vector<std::string> api_versions;  // "*" any
  // "pods", "pods/status", "*", "*/scale", "*/*", "dynamographdeployments/*"
  std::vector<std::string> resources;
  std::string scope = "*";  // Cluster | Namespaced | *
};

enum class FailurePolicy { kFail, kIgnore };

struct ClientConfig {
  std::string url;  // set for clientConfig.url
  // clientConfig.service: there is no cluster network, so a service is
  // reached on 127.0.0.1:<port> and its certificate is verified for
  // <name>.<namespace>.svc, the name kube-apiserver verifies.
  std::string service_namespace;
  std::string service_name;
  std::string service_path;
  int service_port = 443;
  std::string ca_pem;  // decoded caBundle; empty: the system trust store
};

struct Webhook {
  std::string name;
  std::string configuration;  // the ValidatingWebhookConfiguration's name
  ClientConfig client;
  std::vector<RuleWithOperations> rules;
  apimachinery::LabelSelector namespace_selector;
  apimachinery::LabelSelector object_selector;
  FailurePolicy failure_policy = FailurePolicy::kFail;
  std::string side_effects = "Unknown";  // None | NoneOnDryRun | Some | Unknown
  int timeout_seconds = 10;
  std::vector<std::string> admission_review_versions;
  // Why this webhook cannot be called (bad caBundle, selector, clientConfig);
  // a matching request then fails per failurePolicy, as a call error would.
  std::string error;

  bool supports_dry_run() const { return side_effects == "None" || side_effects == "NoneOnDryRun"; }
};

using WebhookPtr = std::shared_ptr<const Webhook>;

// Never fails: anything unusable is recorded in Webhook::error.
std::vector<WebhookPtr> parse_configuration(const boost::json::value& configuration);

// The URL the AdmissionReview is POSTed to, with kube's `?timeout=<N>s`.
std::string call_url(const Webhook& webhook);

}  // namespace dynop::localcluster::admission
