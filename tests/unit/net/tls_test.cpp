// Server and client over loopback with TLS: certificates issued in the test.
#include "lib/net/tls.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "lib/net/certificates.hpp"
#include "lib/net/http_client.hpp"
#include "lib/net/server.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::net {
namespace {

using namespace std::chrono_literals;

IssuedCertificate must_issue(const CertificateRequest& req, const IssuedCertificate* issuer) {
  std::string error;
  auto cert = issue_certificate(req, issuer, error);
  EXPECT_TRUE(cert) << error;
  return cert.value_or(IssuedCertificate{});
}

IssuedCertificate make_ca(const std::string& name) {
  CertificateRequest req;
  req.common_name = name;
  req.is_ca = true;
  return must_issue(req, nullptr);
}

IssuedCertificate make_serving(const IssuedCertificate& ca) {
  CertificateRequest req;
  req.common_name = "dynop-test";
  req.dns_names = {"localhost"};
  req.ip_addresses = {"127.0.0.1"};
  return must_issue(req, &ca);
}

ServerTlsConfig pem_config(const IssuedCertificate& serving, const std::string& client_ca = "") {
  ServerTlsConfig config;
  config.cert_pem = serving.cert_pem;
  config.key_pem = serving.key_pem;
  config.client_ca_pem = client_ca;
  return config;
}

ClientRequest get_request(const std::string& url) {
  ClientRequest req;
  req.url = url;
  return req;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

Handler whoami() {
  return [](const Request& req, Responder res) {
    const auto& peer = req.client_certificate();
    std::string body = peer ? peer->common_name : "anonymous";
    if (peer) {
      for (const auto& o : peer->organizations) body += " " + o;
    }
    res.respond(Response::text(200, body));
  };
}

class TlsTest : public ::testing::Test {
 protected:
  void start(TlsContextProvider tls, Handler handler = whoami()) {
    ServerOptions options;
    options.tls = std::move(tls);
    server_ = std::make_unique<Server>(options, std::move(handler));
    std::string error;
    ASSERT_TRUE(server_->start(error)) << error;
  }
  std::string url() { return "https://127.0.0.1:" + std::to_string(server_->port()) + "/whoami"; }
  ClientResult get(const ClientOptions& options) {
    std::string error;
    auto client = HttpClient::create(options, error);
    EXPECT_TRUE(client) << error;
    if (!client) return {};
    return client->request(get_request(url()));
  }
  void TearDown() override {
    if (server_) server_->stop(5s);
  }

  IssuedCertificate ca_ = make_ca("test-ca");
  IssuedCertificate serving_ = make_serving(ca_);
  std::unique_ptr<Server> server_;
};

TEST_F(TlsTest, VerifiedConnectionWithCaPem) {
  std::string error;
  auto ctx = make_server_tls_context(pem_config(serving_), error);
  ASSERT_TRUE(ctx) << error;
  start([ctx] { return ctx; });
  ClientOptions options;
  options.tls.ca_pem = ca_.cert_pem;
  auto r = get(options);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response->body, "anonymous");
}

TEST_F(TlsTest, KeepAliveReusesTheTlsConnection) {
  std::string error;
  auto ctx = make_server_tls_context(pem_config(serving_), error);
  ASSERT_TRUE(ctx) << error;
  start([ctx] { return ctx; },
        [](const Request& req, Responder res) {
          res.respond(Response::text(200, req.remote_address()));
        });
  ClientOptions options;
  options.tls.ca_pem = ca_.cert_pem;
  auto client = HttpClient::create(options, error);
  ASSERT_TRUE(client) << error;
  auto a = client->request(get_request(url()));
  auto b = client->request(get_request(url()));
  ASSERT_TRUE(a.ok() && b.ok()) << a.error << b.error;
  EXPECT_EQ(a.response->body, b.response->body) << "same client port: one connection";
}

TEST_F(TlsTest, UntrustedServerIsRefusedUnlessInsecure) {
  std::string error;
  auto ctx = make_server_tls_context(pem_config(serving_), error);
  ASSERT_TRUE(ctx) << error;
  start([ctx] { return ctx; });
  ClientOptions options;
  options.tls.ca_pem = make_ca("other-ca").cert_pem;
  auto r = get(options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("TLS handshake"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("certificate"), std::string::npos) << r.error;

  options.tls.insecure_skip_verify = true;
  auto insecure = get(options);
  ASSERT_TRUE(insecure.ok()) << insecure.error;
}

TEST_F(TlsTest, WrongServerNameIsRefused) {
  std::string error;
  auto ctx = make_server_tls_context(pem_config(serving_), error);
  start([ctx] { return ctx; });
  ClientOptions options;
  options.tls.ca_pem = ca_.cert_pem;
  options.tls.server_name = "not-in-the-certificate.example";
  EXPECT_FALSE(get(options).ok());
  options.tls.server_name = "localhost";
  auto r = get(options);
  EXPECT_TRUE(r.ok()) << r.error;
}

TEST_F(TlsTest, ClientCertificateSubjectReachesTheHandler) {
  IssuedCertificate client_ca = make_ca("client-ca");
  CertificateRequest admin_req;
  admin_req.common_name = "admin";
  admin_req.organizations = {"system:masters", "team-a"};
  admin_req.server_auth = false;
  admin_req.client_auth = true;
  IssuedCertificate admin = must_issue(admin_req, &client_ca);
  std::string error;
  auto ctx = make_server_tls_context(pem_config(serving_, client_ca.cert_pem), error);
  ASSERT_TRUE(ctx) << error;
  start([ctx] { return ctx; });
  ClientOptions options;
  options.tls.ca_pem = ca_.cert_pem;
  options.tls.cert_pem = admin.cert_pem;
  options.tls.key_pem = admin.key_pem;
  auto r = get(options);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response->body, "admin system:masters team-a");

  ClientOptions anonymous;
  anonymous.tls.ca_pem = ca_.cert_pem;
  auto a = get(anonymous);
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.response->body, "anonymous");
}

TEST_F(TlsTest, CertificateFilesAreReloadedForNewConnections) {
  test::TempDir temp("dynop-tls");
  const std::filesystem::path& dir = temp.path();
  write_file(dir / "tls.crt", serving_.cert_pem);
  write_file(dir / "tls.key", serving_.key_pem);
  std::string error;
  ServerTlsConfig files;
  files.cert_file = (dir / "tls.crt").string();
  files.key_file = (dir / "tls.key").string();
  auto reloading = ReloadingTlsContext::create(files, error, 0ms);
  ASSERT_TRUE(reloading) << error;
  start(reloading->provider());

  ClientOptions old_trust;
  old_trust.tls.ca_pem = ca_.cert_pem;
  ASSERT_TRUE(get(old_trust).ok());

  IssuedCertificate new_ca = make_ca("rotated-ca");
  IssuedCertificate rotated = make_serving(new_ca);
  write_file(dir / "tls.key.new", rotated.key_pem);
  write_file(dir / "tls.crt.new", rotated.cert_pem);
  std::filesystem::rename(dir / "tls.key.new", dir / "tls.key");
  std::filesystem::rename(dir / "tls.crt.new", dir / "tls.crt");

  ClientOptions new_trust;
  new_trust.tls.ca_pem = new_ca.cert_pem;
  auto r = get(new_trust);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_FALSE(get(old_trust).ok());
}

TEST(TlsConfig, MissingFilesAreNamed) {
  std::string error;
  ServerTlsConfig files;
  files.cert_file = "/nonexistent/tls.crt";
  files.key_file = "/nonexistent/tls.key";
  EXPECT_FALSE(make_server_tls_context(files, error));
  EXPECT_NE(error.find("/nonexistent/tls.crt"), std::string::npos) << error;
  ClientOptions options;
  options.tls.ca_file = "/nonexistent/ca.crt";
  EXPECT_FALSE(HttpClient::create(options, error));
  EXPECT_NE(error.find("TLS CA file /nonexistent/ca.crt"), std::string::npos) << error;
}

}  // namespace
}  // namespace dynop::net
