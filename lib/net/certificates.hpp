#pragma once
// Issues X.509 certificates with EC P-256 keys: a local CA, serving
// certificates for 127.0.0.1/localhost, client certificates for kubeconfig
// users, throwaway certificates in tests. Not a PKI: no revocation, no CSR.

#include <optional>
#include <string>
#include <vector>

namespace dynop::net {

struct CertificateRequest {
  std::string common_name;
  std::vector<std::string> organizations;
  std::vector<std::string> dns_names;     // subjectAltName DNS entries
  std::vector<std::string> ip_addresses;  // subjectAltName IP entries ("127.0.0.1", "::1")
  int valid_days = 365;
  bool is_ca = false;
  bool server_auth = true;   // extendedKeyUsage serverAuth
  bool client_auth = false;  // extendedKeyUsage clientAuth
};

struct IssuedCertificate {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8, unencrypted
};

// Signed by `issuer` (a CA from this function), or self-signed when null.
// nullopt and `error` when OpenSSL refuses (bad IP literal, bad issuer PEM).
std::optional<IssuedCertificate> issue_certificate(const CertificateRequest& request,
                                                   const IssuedCertificate* issuer,
                                                   std::string& error);

}  // namespace dynop::net
