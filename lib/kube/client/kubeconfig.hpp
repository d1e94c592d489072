#pragma once
// Where the API server is and how to authenticate to it: from a kubeconfig
// file (client-go's clientcmd subset that operators use) or from the pod's
// service account (rest.InClusterConfig).

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/kube/client/api_error.hpp"

namespace dynop::kube {

// Who the client acts as (kubeconfig users[].user.as, as-uid, as-groups,
// as-user-extra; kubectl's --as flags): sent as Impersonate-* headers on every
// request, so a privileged credential can act with an operator's identity.
// Empty user: no impersonation.
struct Impersonation {
  std::string user;
  std::string uid;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> extra;
};

struct RestConfig {
  std::string server;  // "https://10.0.0.1:443", no trailing slash
  std::string bearer_token;
  // Re-read on every request when set (projected service account tokens rotate).
  std::filesystem::path token_file;
  std::string client_certificate_pem;
  std::string client_key_pem;
  std::string certificate_authority_pem;  // empty: the system trust store
  bool insecure_skip_tls_verify = false;  // only when the kubeconfig says so
  std::string tls_server_name;
  Impersonation impersonate;
  std::string default_namespace = "default";
  std::string context;  // the context used, for messages
};

// Reads `path` and resolves `context` (the file's current-context when
// empty). Relative file references resolve against the file's folder; the
// *-data fields are base64. Errors name the file and the missing piece.
Result<RestConfig> load_kubeconfig(const std::filesystem::path& path,
                                   const std::string& context = {});

// Same, from kubeconfig text (for tests and fuzzing); `base` resolves
// relative file references.
Result<RestConfig> parse_kubeconfig(const std::string& yaml, const std::filesystem::path& base,
                                    const std::string& context = {});

// The pod's service account: KUBERNETES_SERVICE_HOST/PORT and the token,
// CA and namespace files under `account_dir`.
Result<RestConfig> load_in_cluster_config(
    const std::function<std::optional<std::string>(const std::string&)>& getenv,
    const std::filesystem::path& account_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// The usual order: an explicit path (--kubeconfig), then $KUBECONFIG (first
// entry), then in-cluster when KUBERNETES_SERVICE_HOST is set, then
// ~/.kube/config.
Result<RestConfig> load_default_config(const std::filesystem::path& explicit_path = {},
                                       const std::string& context = {});

}  // namespace dynop::kube
