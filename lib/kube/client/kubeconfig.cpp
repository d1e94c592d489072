#include "lib/kube/client/kubeconfig.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "lib/apimachinery/base64.hpp"

namespace dynop::kube {
namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string scalar(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string();
}

YAML::Node find_named(const YAML::Node& list, const std::string& name, const char* inner) {
  if (!list || !list.IsSequence()) return YAML::Node();
  for (const YAML::Node& entry : list) {
    if (entry.IsMap() && scalar(entry, "name") == name) return entry[inner];
  }
  return YAML::Node();
}

// Loads "<field>-data" (base64) or "<field>" (a file) into `out`.
std::optional<Error> load_pem(const YAML::Node& node, const std::string& field,
                              const fs::path& base, const std::string& what, std::string& out) {
  const std::string data = scalar(node, (field + "-data").c_str());
  if (!data.empty()) {
    auto decoded = apimachinery::base64_decode(data);
    if (!decoded) return config_error(what + ": " + field + "-data is not valid base64");
    out = std::move(*decoded);
    return std::nullopt;
  }
  const std::string file = scalar(node, field.c_str());
  if (file.empty()) return std::nullopt;
  fs::path path = file;
  if (path.is_relative()) path = base / path;
  auto contents = read_file(path);
  if (!contents) return config_error(what + ": cannot read " + field + " " + path.string());
  out = std::move(*contents);
  return std::nullopt;
}

// A YAML sequence of strings into `out`; false when `node` is something else.
bool string_list(const YAML::Node& node, std::vector<std::string>& out) {
  if (!node.IsSequence()) return false;
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) return false;
    out.push_back(item.as<std::string>());
  }
  return true;
}

// client-go's impersonation fields of a kubeconfig user.
std::optional<Error> load_impersonation(const YAML::Node& user, const std::string& what,
                                        Impersonation& out) {
  out.user = scalar(user, "as");
  out.uid = scalar(user, "as-uid");
  if (const YAML::Node groups = user["as-groups"]; groups && !groups.IsNull()) {
    if (!string_list(groups, out.groups))
      return config_error(what + ": as-groups must be a list of group names");
  }
  if (const YAML::Node extra = user["as-user-extra"]; extra && !extra.IsNull()) {
    if (!extra.IsMap())
      return config_error(what + ": as-user-extra must map keys to lists of values");
    for (const auto& entry : extra) {
      if (!entry.first.IsScalar())
        return config_error(what + ": as-user-extra keys must be strings");
      const std::string key = entry.first.as<std::string>();
      if (!string_list(entry.second, out.extra[key]))
        return config_error(what + ": as-user-extra \"" + key + "\" must be a list of values");
    }
  }
  // The API server refuses groups, uid or extra without a user; say so here,
  // where the fix is.
  if (out.user.empty() && (!out.uid.empty() || !out.groups.empty() || !out.extra.empty()))
    return config_error(what +
                        ": as-groups, as-uid and as-user-extra need as (the user to act as)");
  return std::nullopt;
}

}  // namespace

Result<RestConfig> parse_kubeconfig(const std::string& yaml, const fs::path& base,
                                    const std::string& context) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return config_error(std::string("kubeconfig is not valid YAML: ") + e.what());
  }
  if (!root.IsMap()) return config_error("kubeconfig is empty or not a mapping");
  RestConfig config;
  config.context = context.empty() ? scalar(root, "current-context") : context;
  if (config.context.empty())
    return config_error("kubeconfig has no current-context; pass a context explicitly");
  const YAML::Node ctx = find_named(root["contexts"], config.context, "context");
  if (!ctx || !ctx.IsMap())
    return config_error("context \"" + config.context + "\" not found in kubeconfig");
  const std::string cluster_name = scalar(ctx, "cluster");
  const std::string user_name = scalar(ctx, "user");
  if (const std::string ns = scalar(ctx, "namespace"); !ns.empty()) config.default_namespace = ns;

  const YAML::Node cluster = find_named(root["clusters"], cluster_name, "cluster");
  if (!cluster || !cluster.IsMap())
    return config_error("cluster \"" + cluster_name + "\" of context \"" + config.context +
                        "\" not found in kubeconfig");
  config.server = scalar(cluster, "server");
  while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
  if (config.server.empty())
    return config_error("cluster \"" + cluster_name + "\" has no server address");
  const std::string insecure = scalar(cluster, "insecure-skip-tls-verify");
  config.insecure_skip_tls_verify = insecure == "true";
  config.tls_server_name = scalar(cluster, "tls-server-name");
  const std::string cluster_what = "cluster \"" + cluster_name + "\"";
  if (auto error = load_pem(cluster, "certificate-authority", base, cluster_what,
                            config.certificate_authority_pem))
    return *error;

  if (!user_name.empty()) {
    const YAML::Node user = find_named(root["users"], user_name, "user");
    if (!user || !user.IsMap())
      return config_error("user \"" + user_name + "\" of context \"" + config.context +
                          "\" not found in kubeconfig");
    const std::string user_what = "user \"" + user_name + "\"";
    config.bearer_token = scalar(user, "token");
    if (const std::string token_file = scalar(user, "tokenFile"); !token_file.empty()) {
      config.token_file = token_file;
      if (config.token_file.is_relative()) config.token_file = base / config.token_file;
    }
    if (auto error =
            load_pem(user, "client-certificate", base, user_what, config.client_certificate_pem))
      return *error;
    if (auto error = load_pem(user, "client-key", base, user_what, config.client_key_pem))
      return *error;
    if (config.client_certificate_pem.empty() != config.client_key_pem.empty())
      return config_error(user_what + ": client-certificate and client-key must be set together");
    if (auto error = load_impersonation(user, user_what, config.impersonate)) return *error;
    if (user["exec"] || user["auth-provider"])
      if (config.bearer_token.empty() && config.token_file.empty() &&
          config.client_certificate_pem.empty())
        return config_error(user_what +
                            ": exec and auth-provider credentials are not supported; use a token "
                            "or a client certificate");
  }
  return config;
}

Result<RestConfig> load_kubeconfig(const fs::path& path, const std::string& context) {
  auto text = read_file(path);
  if (!text) return config_error("cannot read kubeconfig " + path.string());
  auto config = parse_kubeconfig(*text, path.parent_path(), context);
  if (!config) {
    Error error = std::move(config).error();
    error.message = path.string() + ": " + error.message;
    return error;
  }
  return config;
}

Result<RestConfig> load_in_cluster_config(
    const std::function<std::optional<std::string>(const std::string&)>& getenv,
    const fs::path& account_dir) {
  const auto host = getenv("KUBERNETES_SERVICE_HOST");
  const auto port = getenv("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty())
    return config_error(
        "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
        "set");
  RestConfig config;
  // IPv6 service addresses need brackets in a URL.
  const bool ipv6 = host->find(':') != std::string::npos;
  config.server = "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
  config.token_file = account_dir / "token";
  auto token = read_file(config.token_file);
  if (!token)
    return config_error("cannot read service account token " + config.token_file.string());
  auto ca = read_file(account_dir / "ca.crt");
  if (!ca)
    return config_error("cannot read service account CA " + (account_dir / "ca.crt").string());
  config.certificate_authority_pem = std::move(*ca);
  if (auto ns = read_file(account_dir / "namespace"); ns && !ns->empty()) {
    while (!ns->empty() && (ns->back() == '\n' || ns->back() == ' ')) ns->pop_back();
    config.default_namespace = *ns;
  }
  config.context = "in-cluster";
  return config;
}

Result<RestConfig> load_default_config(const fs::path& explicit_path, const std::string& context) {
  if (!explicit_path.empty()) return load_kubeconfig(explicit_path, context);
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::string first(env);
    if (auto colon = first.find(':'); colon != std::string::npos) first.resize(colon);
    return load_kubeconfig(first, context);
  }
  if (const char* host = std::getenv("KUBERNETES_SERVICE_HOST"); host && *host) {
    return load_in_cluster_config([](const std::string& name) -> std::optional<std::string> {
      const char* value = std::getenv(name.c_str());
      return value ? std::optional<std::string>(value) : std::nullopt;
    });
  }
  const char* home = std::getenv("HOME");
  if (!home) return config_error("no kubeconfig: pass --kubeconfig or set KUBECONFIG");
  return load_kubeconfig(fs::path(home) / ".kube" / "config", context);
}

}  // namespace dynop::kube
