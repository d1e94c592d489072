#pragma once
// The kubeconfig dynop-localcluster writes to its data folder at start: one
// cluster (the HTTPS address and the CA), one user with the bearer token, one
// context, current-context set, so `kubectl --kubeconfig PATH` just works.

#include <string>

namespace dynop::localcluster::server {

struct KubeconfigParams {
  std::string server;      // "https://127.0.0.1:6443"
  std::string ca_pem;      // certificate-authority-data (base64 of it)
  std::string token;
  std::string name = "dynop-localcluster";
};

std::string render_kubeconfig(const KubeconfigParams& params);

// Writes atomically (temporary file + rename), mode 0600. Returns an error
// message, empty on success.
std::string write_kubeconfig(const std::string& path, const KubeconfigParams& params);

}  // namespace dynop::localcluster::server
