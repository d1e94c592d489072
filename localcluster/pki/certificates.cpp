#include "localcluster/pki/certificates.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "lib/files/read_file.hpp"
#include "lib/net/certificates.hpp"

namespace dynop::localcluster::pki {

namespace {

// kube-apiserver's self-signed serving material lives a year; the local
// cluster keeps its folder across restarts, so give it as long as a laptop
// setup is likely to live.
constexpr int kValidDays = 10 * 365;

net::IssuedCertificate issue(const net::CertificateRequest& request,
                             const net::IssuedCertificate* issuer) {
  std::string error;
  auto issued = net::issue_certificate(request, issuer, error);
  if (!issued) throw std::runtime_error("certificate generation failed: " + error);
  return *issued;
}

void write_file(const std::filesystem::path& path, const std::string& text, bool secret) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out << text;
  out.close();
  if (secret) ::chmod(path.c_str(), 0600);
}

}  // namespace

ServingCertificates ensure_serving_certificates(const std::string& dir) {
  std::filesystem::path base(dir);
  std::filesystem::create_directories(base);
  ServingCertificates out{(base / "ca.crt").string(),
                          (base / "server.crt").string(),
                          (base / "server.key").string(),
                          {}};
  bool present = std::filesystem::exists(out.ca_cert_path) &&
                 std::filesystem::exists(out.cert_path) && std::filesystem::exists(out.key_path);
  if (!present) {
    net::CertificateRequest ca_request;
    ca_request.common_name = "dynop-localcluster-ca";
    ca_request.is_ca = true;
    ca_request.valid_days = kValidDays;
    const net::IssuedCertificate ca = issue(ca_request, nullptr);
    net::CertificateRequest server_request;
    server_request.common_name = "dynop-localcluster";
    server_request.dns_names = {"localhost"};
    server_request.ip_addresses = {"127.0.0.1", "::1"};
    server_request.valid_days = kValidDays;
    const net::IssuedCertificate server = issue(server_request, &ca);
    write_file(base / "ca.key", ca.key_pem, true);
    write_file(out.key_path, server.key_pem, true);
    write_file(out.cert_path, server.cert_pem, false);
    write_file(out.ca_cert_path, ca.cert_pem, false);
  }
  auto ca_pem = files::read_file(out.ca_cert_path, "the local cluster's CA certificate");
  if (!ca_pem) throw std::runtime_error(ca_pem.error());
  out.ca_cert_pem = std::move(*ca_pem);
  return out;
}

}  // namespace dynop::localcluster::pki
