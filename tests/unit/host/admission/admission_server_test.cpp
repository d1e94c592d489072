#include "host/admission/admission_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "dynop/abi.h"
#include "lib/admission/admission_request.hpp"
#include "lib/admission/admission_response.hpp"
#include "lib/net/certificates.hpp"
#include "lib/net/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/host/admission/fake_admission_plugin.hpp"
#include "tests/unit/host/admission/tls_probe.hpp"

namespace dynop::host::admission {
namespace {

namespace adm = dynop::admission;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kDgdPath = "/validate-nvidia-com-v1alpha1-dynamographdeployment";

net::IssuedCertificate issue(const std::string& common_name) {
  net::CertificateRequest request;
  request.common_name = common_name;
  request.ip_addresses = {"127.0.0.1"};
  request.dns_names = {"localhost"};
  std::string error;
  auto cert = net::issue_certificate(request, nullptr, error);
  EXPECT_TRUE(cert) << error;
  return cert.value_or(net::IssuedCertificate{});
}

std::string review_body(const std::string& uid) {
  adm::AdmissionRequest r;
  r.uid = uid;
  r.kind = {"nvidia.com", "v1alpha1", "DynamoGraphDeployment"};
  r.resource = {"nvidia.com", "v1alpha1", "dynamographdeployments"};
  r.name = "sglang-agg";
  r.namespace_ = "default";
  r.operation = adm::Operation::kCreate;
  r.object = R"({"metadata":{"name":"sglang-agg"}})";
  return adm::encode_request(r).body;
}

// Writes the pair as a rotation tool would: to a temporary name, then renamed
// over the served files.
void write_pair(const test::TempDir& dir, const net::IssuedCertificate& cert) {
  dir.write("tls.crt.tmp", cert.cert_pem);
  dir.write("tls.key.tmp", cert.key_pem);
  std::filesystem::rename(dir.path() / "tls.key.tmp", dir.path() / "tls.key");
  std::filesystem::rename(dir.path() / "tls.crt.tmp", dir.path() / "tls.crt");
}

class AdmissionServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    first_ = issue("dynop-admission-first");
    write_pair(dir_, first_);
    plugin_ = std::make_shared<FakeAdmissionPlugin>(
        "webhook",
        std::vector{AdmissionRule{"nvidia.com", "v1alpha1", "dynamographdeployments",
                                  DYNOP_OP_CREATE | DYNOP_OP_UPDATE}},
        [](std::string_view) { return allowed({"a warning"}); });
  }

  AdmissionServerOptions options() {
    AdmissionServerOptions o;
    o.address = "127.0.0.1:0";
    o.cert_file = (dir_.path() / "tls.crt").string();
    o.key_file = (dir_.path() / "tls.key").string();
    o.reload_check_interval = 0ms;  // every new connection looks at the files
    return o;
  }

  net::ClientResult post(const AdmissionServer& server, const std::string& ca_pem,
                         const std::string& body) {
    net::ClientOptions client_options;
    client_options.tls.ca_pem = ca_pem;
    std::string error;
    auto client = net::HttpClient::create(client_options, error);
    EXPECT_TRUE(client) << error;
    net::ClientRequest request;
    request.method = "POST";
    request.url = "https://127.0.0.1:" + std::to_string(server.port()) + kDgdPath + "?timeout=10s";
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body;
    return client->request(request);
  }

  test::TempDir dir_{"dynop-admission-server"};
  net::IssuedCertificate first_;
  std::shared_ptr<FakeAdmissionPlugin> plugin_;
  metrics::Registry registry_;
};

TEST_F(AdmissionServerTest, AnswersReviewsOverHttps) {
  AdmissionServer server(options(), {plugin_}, registry_);
  std::string error;
  ASSERT_TRUE(server.start(error)) << error;
  EXPECT_TRUE(server.address().starts_with("127.0.0.1:"));
  auto result = post(server, first_.cert_pem, review_body("uid-1"));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.response->status, 200);
  auto answer = adm::decode_response(result.response->body, "uid-1");
  ASSERT_TRUE(answer.ok()) << answer.error;
  EXPECT_TRUE(answer.response->allowed);
  EXPECT_EQ(answer.response->warnings, std::vector<std::string>{"a warning"});
  server.stop();
  server.stop();  // idempotent
}

TEST_F(AdmissionServerTest, RefusesToStartWithoutAReadableCertificate) {
  auto o = options();
  o.cert_file = (dir_.path() / "missing.crt").string();
  AdmissionServer server(o, {plugin_}, registry_);
  std::string error;
  EXPECT_FALSE(server.start(error));
  EXPECT_THAT(error, HasSubstr("admission server certificate: "));
  EXPECT_THAT(error, HasSubstr("missing.crt"));
}

TEST_F(AdmissionServerTest, RefusesABadAddress) {
  auto o = options();
  o.address = "127.0.0.1:notaport";
  AdmissionServer server(o, {plugin_}, registry_);
  std::string error;
  EXPECT_FALSE(server.start(error));
  EXPECT_THAT(error, HasSubstr("admission address \"127.0.0.1:notaport\""));
}

TEST_F(AdmissionServerTest, RotatedFilesServeNewConnectionsAndKeepOpenOnes) {
  AdmissionServer server(options(), {plugin_}, registry_);
  std::string error;
  ASSERT_TRUE(server.start(error)) << error;

  auto open = test::TlsProbe::open(server.port(), error);
  ASSERT_TRUE(open) << error;
  const auto before = open->certificate();
  EXPECT_EQ(before.common_name, "dynop-admission-first");

  auto second = issue("dynop-admission-second");
  write_pair(dir_, second);
  test::ProbedCertificate after;
  for (int i = 0; i < 100 && after.common_name != "dynop-admission-second"; ++i) {
    auto probe = test::TlsProbe::open(server.port(), error);
    ASSERT_TRUE(probe) << error;
    after = probe->certificate();
    if (after.common_name != "dynop-admission-second") std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(after.common_name, "dynop-admission-second");
  EXPECT_NE(after.serial_hex, before.serial_hex);

  // The connection opened before the rotation still answers.
  auto response = open->post(kDgdPath, review_body("uid-open"), error);
  ASSERT_TRUE(response) << error;
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->body, HasSubstr("uid-open"));
  // And a client that trusts only the new certificate is served.
  auto result = post(server, second.cert_pem, review_body("uid-new"));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.response->status, 200);
}

TEST_F(AdmissionServerTest, AHalfWrittenRotationKeepsThePreviousCertificate) {
  AdmissionServer server(options(), {plugin_}, registry_);
  std::string error;
  ASSERT_TRUE(server.start(error)) << error;
  dir_.write("tls.crt", "-----BEGIN CERTIFICATE-----\ntruncated");
  auto probe = test::TlsProbe::open(server.port(), error);
  ASSERT_TRUE(probe) << error;
  EXPECT_EQ(probe->certificate().common_name, "dynop-admission-first");
}

}  // namespace
}  // namespace dynop::host::admission
