#pragma once
// Whether a webhook wants a request, as kube-apiserver's webhook matchers
// decide it: rules (operation, group, version, resource/subresource with
// `*`, `*/*`, `x/*`, `*/status`, scope), then the namespaceSelector against
// the namespace's labels (cluster-scoped requests always pass; a Namespace
// itself is judged by its own labels), then the objectSelector against the
// new or the old object's labels.

#include <boost/json/value.hpp>
#include <map>
#include <string>

#include "localcluster/admission/webhook_config.hpp"

namespace dynop::localcluster::admission {

struct MatchRequest {
  std::string operation;  // CREATE | UPDATE | DELETE | CONNECT
  std::string group;
  std::string version;
  std::string resource;                        // plural
  std::string subresource;                     // "", "status", "scale"
  std::string namespace_name;                  // "" for cluster-scoped objects
  const boost::json::value* object = nullptr;  // what the webhook is sent
  const boost::json::value* old_object = nullptr;
};

bool rule_matches(const RuleWithOperations& rule, const MatchRequest& request);
bool rules_match(const Webhook& webhook, const MatchRequest& request);

// `namespace_labels` null: the namespace does not exist (no match unless the
// selector is empty).
bool namespace_selector_matches(const Webhook& webhook, const MatchRequest& request,
                                const std::map<std::string, std::string>* namespace_labels);
bool object_selector_matches(const Webhook& webhook, const MatchRequest& request);

// metadata.labels of an object (empty for null or unlabelled objects).
std::map<std::string, std::string> labels_of(const boost::json::value* object);

}  // namespace dynop::localcluster::admission
