#pragma once
// The local cluster's TLS material: a CA and a serving certificate for
// 127.0.0.1/localhost, generated with OpenSSL on first start and kept in the
// data folder so kubeconfigs written earlier stay valid across restarts.

#include <string>

namespace dynop::localcluster::pki {

struct ServingCertificates {
  std::string ca_cert_path;
  std::string cert_path;
  std::string key_path;
  std::string ca_cert_pem;  // embedded in the kubeconfig (certificate-authority-data)
};

// Loads `<dir>/ca.crt`, `<dir>/server.crt`, `<dir>/server.key`, creating them
// (and `<dir>/ca.key`) when missing. Throws std::runtime_error on failure
// (startup only).
ServingCertificates ensure_serving_certificates(const std::string& dir);

}  // namespace dynop::localcluster::pki
