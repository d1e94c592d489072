// Starts the real dynop binary with the real webhook.so and its admission
// server on HTTPS, and checks what kube-apiserver (and so kubectl) would get
// back: an allowed create with the deprecation warning, the guide's denial of
// a direct replica edit, authorized identities, a malformed body, metrics,
// certificate rotation seen from the client, and a clean SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "lib/admission/admission_request.hpp"
#include "lib/admission/admission_response.hpp"
#include "lib/net/certificates.hpp"
#include "lib/net/http_client.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/host/admission/tls_probe.hpp"

namespace dynop {
namespace {

namespace adm = dynop::admission;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kDgdPath = "/validate-nvidia-com-v1alpha1-dynamographdeployment";
constexpr const char* kDgdsaPath =
    "/validate-nvidia-com-v1alpha1-dynamographdeploymentscalingadapter";

// The guide's sglang-agg, with `replicas` for decode and optional autoscaling.
std::string dgd(int decode_replicas, bool autoscaling = false) {
  std::string decode =
      R"({"componentType":"worker","dynamoNamespace":"sglang-agg",)"
      R"("extraPodSpec":{"mainContainer":{"image":"my-registry/sglang-runtime:my-tag"}},)"
      R"("resources":{"limits":{"gpu":"1"}},"replicas":)" +
      std::to_string(decode_replicas);
  if (autoscaling) decode += R"(,"autoscaling":{"enabled":true,"minReplicas":1,"maxReplicas":4})";
  decode += "}";
  return R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeployment",)"
         R"("metadata":{"name":"sglang-agg","namespace":"default","uid":"3f02ced3-edea-4d8e-9841-cd40944dabb2"},)"
         R"("spec":{"services":{"Frontend":{"componentType":"frontend","dynamoNamespace":"sglang-agg",)"
         R"("extraPodSpec":{"mainContainer":{"image":"my-registry/sglang-runtime:my-tag"}},"replicas":1},)"
         R"("decode":)" +
         decode + "}}}";
}

std::string review(const std::string& uid, adm::Operation operation, const std::string& username,
                   std::string object, std::string old_object = "") {
  adm::AdmissionRequest r;
  r.uid = uid;
  r.kind = {"nvidia.com", "v1alpha1", "DynamoGraphDeployment"};
  r.resource = {"nvidia.com", "v1alpha1", "dynamographdeployments"};
  r.request_kind = r.kind;
  r.request_resource = r.resource;
  r.name = "sglang-agg";
  r.namespace_ = "default";
  r.operation = operation;
  r.user_info.username = username;
  r.user_info.groups = {"system:authenticated"};
  r.object = std::move(object);
  r.old_object = std::move(old_object);
  r.options =
      operation == adm::Operation::kCreate
          ? R"({"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-client-side-apply","fieldValidation":"Strict"})"
          : R"({"kind":"UpdateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-patch"})";
  auto encoded = adm::encode_request(r);
  EXPECT_TRUE(encoded.ok()) << encoded.error;
  return encoded.body;
}

net::IssuedCertificate issue(const std::string& common_name) {
  net::CertificateRequest request;
  request.common_name = common_name;
  request.ip_addresses = {"127.0.0.1"};
  request.dns_names = {"dynop-webhook.dynop-system.svc"};
  std::string error;
  auto cert = net::issue_certificate(request, nullptr, error);
  EXPECT_TRUE(cert) << error;
  return cert.value_or(net::IssuedCertificate{});
}

// Rotation tools (cert-manager, kubelet's secret volumes) swap files in
// place by rename; write both, then rename over the served names.
void write_pair(const test::TempDir& dir, const net::IssuedCertificate& cert) {
  dir.write("tls.crt.new", cert.cert_pem);
  dir.write("tls.key.new", cert.key_pem);
  fs::rename(dir.path() / "tls.key.new", dir.path() / "tls.key");
  fs::rename(dir.path() / "tls.crt.new", dir.path() / "tls.crt");
}

class WebhookHost {
 public:
  explicit WebhookHost(const std::string& common_name) : cert_(issue(common_name)) {
    write_pair(dir_, cert_);
    std::string error;
    process_ = test::Process::spawn(
        test::binary_path("bin/dynop"),
        {"--metrics-address", "127.0.0.1:0", "--plugin-dir", test::binary_path("plugins"),
         "--plugins", "webhook", "--admission-address", "127.0.0.1:0", "--admission-cert-file",
         (dir_.path() / "tls.crt").string(), "--admission-key-file",
         (dir_.path() / "tls.key").string()},
        error);
    EXPECT_TRUE(process_) << error;
    if (!process_) return;
    auto ops = process_->wait_for_match(
        std::regex(R"(serving metrics and health on http://([0-9.]+:[0-9]+))"), 30s);
    EXPECT_TRUE(ops) << log();
    if (ops) ops_address_ = *ops;
    auto admission = process_->wait_for_match(
        std::regex(R"(serving admission webhooks on https://([0-9.]+:[0-9]+))"), 30s);
    EXPECT_TRUE(admission) << log();
    if (admission) admission_address_ = *admission;
    EXPECT_TRUE(process_->wait_for_output("dynop is ready", 30s)) << log();
  }

  bool up() const { return !admission_address_.empty(); }
  std::uint16_t admission_port() const {
    return static_cast<std::uint16_t>(
        std::stoi(admission_address_.substr(admission_address_.rfind(':') + 1)));
  }
  const test::TempDir& dir() const { return dir_; }
  const net::IssuedCertificate& cert() const { return cert_; }

  // POSTs over HTTPS trusting only `ca_pem` (the served certificate itself).
  net::ClientResult post(const std::string& path, const std::string& body,
                         const std::string& ca_pem) {
    net::ClientOptions options;
    options.tls.ca_pem = ca_pem;
    std::string error;
    auto client = net::HttpClient::create(options, error);
    EXPECT_TRUE(client) << error;
    net::ClientRequest request;
    request.method = "POST";
    request.url = "https://" + admission_address_ + path + "?timeout=10s";
    request.headers.emplace_back("Content-Type", "application/json");
    request.headers.emplace_back("Accept", "application/json, */*");
    request.body = body;
    return client->request(request);
  }
  net::ClientResult post(const std::string& path, const std::string& body) {
    return post(path, body, cert_.cert_pem);
  }

  std::string metrics() {
    std::string error;
    auto client = net::HttpClient::create({}, error);
    net::ClientRequest request;
    request.url = "http://" + ops_address_ + "/metrics";
    auto r = client->request(request);
    EXPECT_TRUE(r.ok()) << r.error;
    return r.ok() ? r.response->body : std::string();
  }

  std::optional<int> stop() {
    process_->signal(SIGTERM);
    return process_->wait(30s);
  }
  std::string log() const {
    return process_ ? process_->stderr_text() + process_->stdout_text() : std::string();
  }

 private:
  test::TempDir dir_{"dynop-admission-it"};
  net::IssuedCertificate cert_;
  std::unique_ptr<test::Process> process_;
  std::string ops_address_;
  std::string admission_address_;
};

adm::AdmissionResponse answer_of(const net::ClientResult& result, const std::string& uid) {
  EXPECT_TRUE(result.ok()) << result.error;
  if (!result.ok()) return {};
  auto decoded = adm::decode_response(result.response->body, uid);
  EXPECT_TRUE(decoded.ok()) << decoded.error << "\n" << result.response->body;
  return decoded.response.value_or(adm::AdmissionResponse{});
}

class AdmissionWebhookTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { host_ = new WebhookHost("dynop-webhook"); }
  static void TearDownTestSuite() {
    delete host_;
    host_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(host_->up()) << host_->log(); }

  static WebhookHost* host_;
};

WebhookHost* AdmissionWebhookTest::host_ = nullptr;

TEST_F(AdmissionWebhookTest, CreateWithAutoscalingIsAllowedWithTheDeprecationWarning) {
  auto result = host_->post(kDgdPath, review("uid-create", adm::Operation::kCreate, "admin",
                                             dgd(1, /*autoscaling=*/true)));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.response->status, 200);
  auto answer = answer_of(result, "uid-create");
  EXPECT_TRUE(answer.allowed);
  EXPECT_THAT(answer.warnings,
              ElementsAre("spec.services[decode].autoscaling is deprecated and ignored. Use "
                          "DynamoGraphDeploymentScalingAdapter with HPA, KEDA, or Planner for "
                          "autoscaling instead"));
}

TEST_F(AdmissionWebhookTest, DirectReplicaEditIsDeniedWithTheGuidesMessage) {
  auto result =
      host_->post(kDgdPath, review("uid-patch", adm::Operation::kUpdate, "admin", dgd(3), dgd(1)));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.response->status, 200);
  auto answer = answer_of(result, "uid-patch");
  EXPECT_FALSE(answer.allowed);
  ASSERT_TRUE(answer.status);
  EXPECT_EQ(answer.status->code, 403);
  EXPECT_EQ(answer.status->message,
            "spec.services[decode].replicas cannot be modified directly when scaling adapter is "
            "enabled; use 'kubectl scale dgdsa/sglang-agg-decode --replicas=3' or update the "
            "DynamoGraphDeploymentScalingAdapter instead");
}

TEST_F(AdmissionWebhookTest, AuthorizedIdentitiesMayEditReplicas) {
  for (const char* user : {"system:serviceaccount:dynop-system:dynop",
                           "system:serviceaccount:team-a:planner-serviceaccount"}) {
    auto answer = answer_of(
        host_->post(kDgdPath, review("uid-auth", adm::Operation::kUpdate, user, dgd(3), dgd(1))),
        "uid-auth");
    EXPECT_TRUE(answer.allowed) << user;
  }
  // Look-alikes are not the planner.
  auto answer = answer_of(
      host_->post(kDgdPath, review("uid-evil", adm::Operation::kUpdate,
                                   "system:serviceaccount:team-a:evil-planner-serviceaccount",
                                   dgd(3), dgd(1))),
      "uid-evil");
  EXPECT_FALSE(answer.allowed);
}

TEST_F(AdmissionWebhookTest, TheGenericPathDispatchesByResource) {
  auto answer = answer_of(host_->post("/validate", review("uid-generic", adm::Operation::kUpdate,
                                                          "admin", dgd(3), dgd(1))),
                          "uid-generic");
  EXPECT_FALSE(answer.allowed);
  ASSERT_TRUE(answer.status);
  EXPECT_THAT(answer.status->message, HasSubstr("--replicas=3"));
}

TEST_F(AdmissionWebhookTest, AResourceOfAnotherPathIsDeniedFailClosed) {
  // A DGD review sent to the DGDSA path: the webhook plugin declares DGDSAs
  // there, not DGDs.
  auto answer = answer_of(
      host_->post(kDgdsaPath, review("uid-wrong", adm::Operation::kCreate, "admin", dgd(1))),
      "uid-wrong");
  EXPECT_FALSE(answer.allowed);
  ASSERT_TRUE(answer.status);
  EXPECT_THAT(answer.status->message, HasSubstr("no admission plugin of this dynop handles"));
}

TEST_F(AdmissionWebhookTest, AMalformedBodyIsA400) {
  auto result = host_->post(
      kDgdPath, R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":)");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.response->status, 400);
  auto answer = answer_of(result, "");
  EXPECT_FALSE(answer.allowed);
  ASSERT_TRUE(answer.status);
  EXPECT_EQ(answer.status->code, 400);
  EXPECT_THAT(answer.status->message, HasSubstr("request body"));
}

TEST_F(AdmissionWebhookTest, MetricsCountReviews) {
  host_->post(kDgdPath, review("uid-m1", adm::Operation::kUpdate, "admin", dgd(3), dgd(1)));
  const std::string text = host_->metrics();
  EXPECT_THAT(text, HasSubstr("dynop_admission_requests_total{operation=\"UPDATE\",path=\"" +
                              std::string(kDgdPath) + "\",result=\"denied\"}"));
  EXPECT_THAT(text, HasSubstr("dynop_admission_denials_total{operation=\"UPDATE\",path=\"" +
                              std::string(kDgdPath) + "\",plugin=\"webhook\"}"));
  EXPECT_THAT(text, HasSubstr("dynop_admission_review_duration_seconds_bucket{path=\"" +
                              std::string(kDgdPath) + "\",le=\""));
}

TEST(AdmissionCertificateRotation, LaterRequestsGetTheNewCertificate) {
  WebhookHost host("dynop-webhook-before");
  ASSERT_TRUE(host.up()) << host.log();
  std::string error;
  auto probe = test::TlsProbe::open(host.admission_port(), error);
  ASSERT_TRUE(probe) << error;
  const auto before = probe->certificate();
  EXPECT_EQ(before.common_name, "dynop-webhook-before");

  const auto next = issue("dynop-webhook-after");
  write_pair(host.dir(), next);
  test::ProbedCertificate after;
  for (int i = 0; i < 150 && after.common_name != "dynop-webhook-after"; ++i) {
    auto fresh = test::TlsProbe::open(host.admission_port(), error);
    ASSERT_TRUE(fresh) << error;
    after = fresh->certificate();
    if (after.common_name != "dynop-webhook-after") std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(after.common_name, "dynop-webhook-after");
  EXPECT_NE(after.serial_hex, before.serial_hex);

  // A client that trusts only the new certificate is served...
  auto answer =
      answer_of(host.post(kDgdPath, review("uid-rot", adm::Operation::kCreate, "admin", dgd(1)),
                          next.cert_pem),
                "uid-rot");
  EXPECT_TRUE(answer.allowed);
  // ...and the connection opened before the rotation was not dropped.
  auto response =
      probe->post(kDgdPath, review("uid-old", adm::Operation::kCreate, "admin", dgd(1)), error);
  ASSERT_TRUE(response) << error;
  EXPECT_EQ(response->status, 200);
  // The log line is written before the swap but reaches the file when the
  // logger flushes, which a loaded machine can delay past the requests above.
  for (int i = 0; i < 100 && host.log().find("TLS certificate reloaded from") == std::string::npos;
       ++i)
    std::this_thread::sleep_for(100ms);
  EXPECT_THAT(host.log(), HasSubstr("TLS certificate reloaded from"));
  probe.reset();
  EXPECT_EQ(host.stop(), 0) << host.log();
}

TEST(AdmissionConfig, AnAddressWithoutCertificateIsAUsageError) {
  auto r =
      test::run(test::binary_path("bin/dynop"),
                {"--metrics-address", "127.0.0.1:0", "--admission-address", "127.0.0.1:0"}, 30s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("need a certificate and a key"));
}

TEST(AdmissionConfig, AnUnreadableCertificateStopsTheHost) {
  test::TempDir dir("dynop-admission-cfg");
  auto r = test::run(test::binary_path("bin/dynop"),
                     {"--metrics-address", "127.0.0.1:0", "--plugin-dir",
                      test::binary_path("plugins"), "--plugins", "webhook", "--admission-address",
                      "127.0.0.1:0", "--admission-cert-file", (dir.path() / "none.crt").string(),
                      "--admission-key-file", (dir.path() / "none.key").string()},
                     30s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err + r.out, HasSubstr("admission server certificate: "));
  EXPECT_THAT(r.err + r.out, HasSubstr("none.crt"));
}

}  // namespace
}  // namespace dynop
