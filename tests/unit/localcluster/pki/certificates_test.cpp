// The local cluster's TLS material: what kubectl checks when it connects
// (the serving certificate chains to the CA in the kubeconfig and names
// 127.0.0.1 and localhost), kept across restarts, with private keys 0600.
#include "localcluster/pki/certificates.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "tests/support/temp_dir.hpp"

namespace dynop::localcluster::pki {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using Cert = std::unique_ptr<X509, X509Free>;

Cert parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Cert cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

// What a TLS client does with the kubeconfig's CA: verify the chain.
bool chains_to(X509* leaf, X509* ca) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf, nullptr);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
  const bool ok = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return ok;
}

TEST(ServingCertificates, ServingCertificateChainsToTheCaAndNamesTheLoopback) {
  test::TempDir dir("pki");
  const ServingCertificates certs = ensure_serving_certificates((dir.path() / "pki").string());
  Cert ca = parse(certs.ca_cert_pem);
  Cert server = parse(read(certs.cert_path));
  ASSERT_TRUE(ca && server);
  EXPECT_TRUE(chains_to(server.get(), ca.get()));
  EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "::1", 0), 1);
  EXPECT_EQ(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_NE(X509_check_host(server.get(), "example.com", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_EQ(X509_check_ca(server.get()), 0);

  namespace fs = std::filesystem;
  const auto mode = fs::status(certs.key_path).permissions();
  EXPECT_EQ(mode & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  EXPECT_EQ(fs::status(dir.path() / "pki" / "ca.key").permissions() &
                (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);
}

TEST(ServingCertificates, ARestartKeepsTheSameMaterial) {
  test::TempDir dir("pki");
  const std::string folder = (dir.path() / "pki").string();
  const ServingCertificates first = ensure_serving_certificates(folder);
  const std::string cert = read(first.cert_path);
  const std::string key = read(first.key_path);
  const ServingCertificates second = ensure_serving_certificates(folder);
  EXPECT_EQ(second.ca_cert_pem, first.ca_cert_pem);  // kubeconfigs written earlier stay valid
  EXPECT_EQ(read(second.cert_path), cert);
  EXPECT_EQ(read(second.key_path), key);
}

}  // namespace
}  // namespace dynop::localcluster::pki
