#include "plugins/webhook/config.hpp"

#include <yaml-cpp/yaml.h>

#include <string>

#include "lib/apimachinery/validation.hpp"

namespace dynop::plugins::webhook {
namespace {

// Collects the first error with the position of the node it is about.
class ConfigReader {
 public:
  bool fail(const YAML::Node& node, const std::string& message) {
    error_ = "webhook config";
    const YAML::Mark mark = node.Mark();
    if (!mark.is_null()) {
      error_ +=
          " line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
    }
    error_ += ": " + message;
    return false;
  }

  bool string(const YAML::Node& node, const std::string& path, std::string& out) {
    if (!node.IsScalar()) return fail(node, path + ": expected a string");
    out = node.Scalar();
    return true;
  }

  // Worded as kube-apiserver words an invalid name, since that is what a
  // namespace or service account name so written would get from it.
  bool valid(const YAML::Node& node, const std::string& path, const std::string& value,
             const std::vector<std::string>& problems) {
    if (problems.empty()) return true;
    std::string message = path + ": Invalid value: \"" + value + "\": ";
    for (std::size_t i = 0; i < problems.size(); ++i) {
      if (i > 0) message += "; ";
      message += problems[i];
    }
    return fail(node, message);
  }

  bool namespace_name(const YAML::Node& node, const std::string& path, std::string& out) {
    return string(node, path, out) && valid(node, path, out, apimachinery::is_dns1123_label(out));
  }

  bool account_name(const YAML::Node& node, const std::string& path, std::string& out) {
    return string(node, path, out) &&
           valid(node, path, out, apimachinery::is_dns1123_subdomain(out));
  }

  // {namespace, name}; `namespace_required` for the operator's own account.
  bool account(const YAML::Node& node, const std::string& path, bool namespace_required,
               ServiceAccountRef& out) {
    if (!node.IsMap()) return fail(node, path + ": expected a map with namespace and name");
    bool has_namespace = false;
    bool has_name = false;
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      if (key == "namespace") {
        if (!namespace_name(entry.second, path + ".namespace", out.namespace_)) return false;
        has_namespace = true;
      } else if (key == "name") {
        if (!account_name(entry.second, path + ".name", out.name)) return false;
        has_name = true;
      } else {
        return fail(entry.first,
                    path + ": unknown key \"" + key + "\" (expected namespace and name)");
      }
    }
    if (!has_name) return fail(node, path + ".name is required");
    if (namespace_required && !has_namespace) return fail(node, path + ".namespace is required");
    return true;
  }

  bool planners(const YAML::Node& node, std::vector<ServiceAccountRef>& out) {
    const std::string path = "plannerServiceAccounts";
    if (!node.IsSequence()) {
      return fail(node, path + ": expected a list of names or {namespace, name} maps");
    }
    out.clear();
    std::size_t index = 0;
    for (const auto& item : node) {
      const std::string item_path = path + "[" + std::to_string(index++) + "]";
      ServiceAccountRef ref;
      if (item.IsScalar()) {
        if (!account_name(item, item_path, ref.name)) return false;
      } else if (!account(item, item_path, false, ref)) {
        return false;
      }
      out.push_back(std::move(ref));
    }
    return true;
  }

  bool read(const YAML::Node& root, WebhookConfig& config) {
    if (!root || root.IsNull()) return true;
    if (!root.IsMap()) return fail(root, "expected a map of settings");
    for (const auto& entry : root) {
      const std::string key = entry.first.Scalar();
      const YAML::Node& value = entry.second;
      if (key == "webhookName") {
        if (!string(value, key, config.webhook_name)) return false;
        if (config.webhook_name.empty()) return fail(value, key + ": must not be empty");
      } else if (key == "operatorServiceAccount") {
        ServiceAccountRef ref;
        if (!account(value, key, true, ref)) return false;
        config.operator_service_account = std::move(ref);
      } else if (key == "plannerServiceAccounts") {
        if (!planners(value, config.planner_service_accounts)) return false;
      } else {
        return fail(entry.first, "unknown key \"" + key +
                                     "\" (expected webhookName, operatorServiceAccount, "
                                     "plannerServiceAccounts)");
      }
    }
    return true;
  }

  std::string error_;
};

}  // namespace

std::optional<WebhookConfig> parse_config(std::string_view text, std::string& error) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    error = "webhook config line " + std::to_string(e.mark.line + 1) + ", column " +
            std::to_string(e.mark.column + 1) + ": " + e.msg;
    return std::nullopt;
  }
  WebhookConfig config;
  ConfigReader reader;
  if (!reader.read(root, config)) {
    error = reader.error_;
    return std::nullopt;
  }
  return config;
}

}  // namespace dynop::plugins::webhook
