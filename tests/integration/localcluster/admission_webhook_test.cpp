// Validating admission webhooks in the real dynop-localcluster binary: an
// in-test HTTPS webhook (lib/net server, throwaway certificates) registered
// with a ValidatingWebhookConfiguration, driven through raw HTTP and the
// real kubectl. Expected texts follow traces 07-webhook-03..05.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "lib/admission/admission_request.hpp"
#include "lib/admission/admission_response.hpp"
#include "lib/apimachinery/base64.hpp"
#include "lib/net/certificates.hpp"
#include "lib/net/server.hpp"
#include "lib/net/tls.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"

namespace dynop::test {
namespace {

namespace json = boost::json;
namespace review = dynop::admission;
using namespace std::chrono_literals;

constexpr const char* kWebhookName = "validate.configmaps.example.com";
constexpr const char* kConfigurations =
    "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";

// A webhook server on 127.0.0.1 that records every AdmissionReview request
// and answers with `policy` (allow everything by default).
class TestWebhook {
 public:
  using Policy = std::function<review::AdmissionResponse(const review::AdmissionRequest&)>;

  bool start(std::string& error) {
    net::CertificateRequest ca_request;
    ca_request.common_name = "test-webhook-ca";
    ca_request.valid_days = 1;
    ca_request.is_ca = true;
    ca_request.server_auth = false;
    auto ca = net::issue_certificate(ca_request, nullptr, error);
    if (!ca) return false;
    net::CertificateRequest serving_request;
    serving_request.common_name = "test-webhook";
    serving_request.dns_names = {"dynop-webhook.dynop-system.svc"};
    serving_request.ip_addresses = {"127.0.0.1"};
    serving_request.valid_days = 1;
    auto serving = net::issue_certificate(serving_request, &*ca, error);
    if (!serving) return false;
    ca_pem_ = ca->cert_pem;
    net::ServerTlsConfig tls;
    tls.cert_pem = serving->cert_pem;
    tls.key_pem = serving->key_pem;
    auto context = net::make_server_tls_context(tls, error);
    if (!context) return false;
    net::ServerOptions options;
    options.tls = [context] { return context; };
    server_ = std::make_unique<net::Server>(
        options, [this](const net::Request& request, net::Responder responder) {
          handle(request, std::move(responder));
        });
    return server_->start(error);
  }

  ~TestWebhook() {
    if (server_) server_->stop(2s);
    for (auto& t : delayed_) t.join();
  }

  std::uint16_t port() const { return server_->port(); }
  std::string ca_bundle() const { return apimachinery::base64_encode(ca_pem_); }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port()) + "/validate"; }

  void set_policy(Policy policy) {
    std::lock_guard lock(mutex_);
    policy_ = std::move(policy);
  }
  // Answers after `delay` (from another thread, so the server keeps serving).
  void set_delay(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    delay_ = delay;
  }
  std::vector<review::AdmissionRequest> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::vector<std::string> paths() {
    std::lock_guard lock(mutex_);
    return paths_;
  }

 private:
  void handle(const net::Request& request, net::Responder responder) {
    auto decoded = review::decode_request(request.body());
    std::string body;
    std::chrono::milliseconds delay{0};
    {
      std::lock_guard lock(mutex_);
      paths_.emplace_back(request.target());
      if (!decoded.ok()) {
        body = review::encode_response(review::reject_malformed(decoded.uid, decoded.error));
      } else {
        received_.push_back(*decoded.request);
        auto answer = policy_ ? policy_(*decoded.request) : review::allow(decoded.request->uid);
        answer.uid = decoded.request->uid;
        body = review::encode_response(answer);
      }
      delay = delay_;
      if (delay.count() > 0) {
        delayed_.emplace_back([responder, body, delay] {
          std::this_thread::sleep_for(delay);
          responder.respond(net::Response::json(200, body));
        });
        return;
      }
    }
    responder.respond(net::Response::json(200, body));
  }

  std::string ca_pem_;
  std::unique_ptr<net::Server> server_;
  std::mutex mutex_;
  Policy policy_;
  std::chrono::milliseconds delay_{0};
  std::vector<review::AdmissionRequest> received_;
  std::vector<std::string> paths_;
  std::vector<std::thread> delayed_;
};

review::AdmissionResponse deny(const review::AdmissionRequest& request, std::string message,
                               std::int32_t code = 403, std::string reason = "") {
  review::AdmissionResponse response;
  response.uid = request.uid;
  response.allowed = false;
  response.status = review::ResponseStatus{code, std::move(message), std::move(reason)};
  return response;
}

json::object configmap(const std::string& name, json::object labels = {}) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", json::object{{"name", name}, {"labels", std::move(labels)}}},
                      {"data", json::object{{"a", "1"}}}};
}

struct KubectlResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class AdmissionWebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.ok()) << cluster_.error();
    std::string error;
    ASSERT_TRUE(webhook_.start(error)) << error;
  }

  // Registers one webhook; `fields` are merged into the webhook entry.
  void register_webhook(json::object fields, const std::string& config = "test-validator") {
    json::object webhook{
        {"name", kWebhookName},
        {"clientConfig", json::object{{"url", webhook_.url()}, {"caBundle", webhook_.ca_bundle()}}},
        {"rules", json::array{json::object{{"operations", json::array{"CREATE", "UPDATE"}},
                                           {"apiGroups", json::array{""}},
                                           {"apiVersions", json::array{"v1"}},
                                           {"resources", json::array{"configmaps"}},
                                           {"scope", "Namespaced"}}}},
        {"failurePolicy", "Fail"},
        {"sideEffects", "None"},
        {"timeoutSeconds", 5},
        {"admissionReviewVersions", json::array{"v1"}}};
    for (auto& [key, value] : fields) webhook[key] = value;
    json::object body{{"apiVersion", "admissionregistration.k8s.io/v1"},
                      {"kind", "ValidatingWebhookConfiguration"},
                      {"metadata", json::object{{"name", config}}},
                      {"webhooks", json::array{webhook}}};
    auto r = cluster_.post(kConfigurations, body);
    ASSERT_EQ(r.status, 201u) << r.body;
  }

  KubectlResult kubectl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--kubeconfig", cluster_.kubeconfig()});
    std::string error;
    auto p = Process::spawn("/usr/bin/kubectl", args, error,
                            SpawnOptions{{{"HOME", cluster_.data_dir()}}, {}, "", ""});
    KubectlResult result;
    if (!p) {
      result.err = error;
      return result;
    }
    result.exit_code = p->wait(60s).value_or(-1);
    result.out = p->stdout_text();
    result.err = p->stderr_text();
    return result;
  }

  LocalCluster cluster_;
  TestWebhook webhook_;
};

const char* kConfigMaps = "/api/v1/namespaces/default/configmaps";

TEST_F(AdmissionWebhookTest, DenialIsA403StatusLikeKubeApiserver) {
  webhook_.set_policy(
      [](const review::AdmissionRequest& r) { return deny(r, "test denial message"); });
  register_webhook({});
  auto r = cluster_.post(kConfigMaps, configmap("denied"));
  EXPECT_EQ(r.status, 403u);
  // Trace 07-webhook-05: no reason, no details.
  EXPECT_EQ(
      r.json(),
      json::parse(
          R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"admission webhook \"validate.configmaps.example.com\" denied the request: test denial message","code":403})"));
  EXPECT_EQ(cluster_.get(std::string(kConfigMaps) + "/denied").status, 404u);
  ASSERT_EQ(webhook_.received().size(), 1u);
  auto seen = webhook_.received()[0];
  EXPECT_EQ(seen.operation, review::Operation::kCreate);
  EXPECT_EQ(seen.kind, (review::GroupVersionKind{"", "v1", "ConfigMap"}));
  EXPECT_EQ(seen.resource, (review::GroupVersionResource{"", "v1", "configmaps"}));
  EXPECT_EQ(seen.name, "denied");
  EXPECT_EQ(seen.namespace_, "default");
  EXPECT_EQ(seen.user_info.username, "admin");
  EXPECT_EQ(seen.user_info.groups,
            (std::vector<std::string>{"system:masters", "system:authenticated"}));
  EXPECT_TRUE(seen.old_object.empty());
  EXPECT_EQ(json::parse(seen.object).at("data"), json::parse(R"({"a":"1"})"));
  EXPECT_EQ(webhook_.paths().at(0), "/validate?timeout=5s");
}

TEST_F(AdmissionWebhookTest, WebhookCodeAndReasonAreKept) {
  webhook_.set_policy([](const review::AdmissionRequest& r) {
    return deny(r, "replicas must be positive", 422, "Invalid");
  });
  register_webhook({});
  auto r = cluster_.post(kConfigMaps, configmap("invalid"));
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(r.json().at("reason"), "Invalid");
  EXPECT_EQ(r.json().at("message"),
            "admission webhook \"validate.configmaps.example.com\" denied the request: replicas "
            "must be positive");
}

TEST_F(AdmissionWebhookTest, KubectlPrintsTheDenialAndExits1) {
  register_webhook({});
  auto created = kubectl({"create", "configmap", "cm", "--from-literal=a=1"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  webhook_.set_policy([](const review::AdmissionRequest& r) {
    if (r.operation == review::Operation::kUpdate) return deny(r, "test denial message");
    return review::allow(r.uid);
  });
  auto patched =
      kubectl({"patch", "configmap", "cm", "--type=merge", "-p", R"({"data":{"a":"2"}})"});
  EXPECT_EQ(patched.exit_code, 1);
  EXPECT_EQ(patched.out, "");
  // Trace 07-webhook-03c, word for word.
  EXPECT_EQ(patched.err,
            "Error from server: admission webhook \"validate.configmaps.example.com\" denied the "
            "request: test denial message\n");
  auto seen = webhook_.received().back();
  EXPECT_EQ(seen.operation, review::Operation::kUpdate);
  EXPECT_EQ(json::parse(seen.object).at("data").at("a"), "2");
  EXPECT_EQ(json::parse(seen.old_object).at("data").at("a"), "1");
  EXPECT_EQ(json::parse(seen.options).at("fieldManager"), "kubectl-patch");
}

TEST_F(AdmissionWebhookTest, WarningsReachKubectlAndRawClients) {
  webhook_.set_policy([](const review::AdmissionRequest& r) {
    return review::allow(r.uid, {"spec.services[decode].autoscaling is deprecated and ignored"});
  });
  register_webhook({});
  auto created = kubectl({"create", "configmap", "warned", "--from-literal=a=1"});
  EXPECT_EQ(created.exit_code, 0);
  EXPECT_EQ(created.err, "Warning: spec.services[decode].autoscaling is deprecated and ignored\n");
  EXPECT_EQ(created.out, "configmap/warned created\n");

  auto r = cluster_.post(kConfigMaps, configmap("warned-raw"));
  EXPECT_EQ(r.status, 201u);
  std::string warning;
  for (const auto& [name, value] : r.headers) {
    if (name == "Warning" || name == "warning") warning = value;
  }
  EXPECT_EQ(warning, "299 - \"spec.services[decode].autoscaling is deprecated and ignored\"");
}

TEST_F(AdmissionWebhookTest, FailurePolicyWhenTheWebhookIsDown) {
  std::string down_url = "https://127.0.0.1:1/validate";
  register_webhook(
      {{"name", "fail.example.com"},
       {"clientConfig", json::object{{"url", down_url}, {"caBundle", webhook_.ca_bundle()}}}},
      "fail-validator");
  auto failed = cluster_.post(kConfigMaps, configmap("blocked"));
  EXPECT_EQ(failed.status, 500u);
  EXPECT_EQ(failed.json().at("reason"), "InternalError");
  std::string message(failed.json().at("message").as_string());
  EXPECT_TRUE(message.starts_with(
      "Internal error occurred: failed calling webhook \"fail.example.com\": failed to call "
      "webhook: Post \"https://127.0.0.1:1/validate?timeout=5s\": "))
      << message;
  auto kubectl_failed = kubectl({"create", "configmap", "blocked2", "--from-literal=a=1"});
  EXPECT_EQ(kubectl_failed.exit_code, 1);
  // `kubectl create configmap` words server errors as "failed to create".
  EXPECT_TRUE(kubectl_failed.err.starts_with(
      "error: failed to create configmap: Internal error occurred: failed calling webhook "
      "\"fail.example.com\": failed to call webhook: Post "
      "\"https://127.0.0.1:1/validate?timeout=5s\": "))
      << kubectl_failed.err;

  ASSERT_EQ(cluster_.del(std::string(kConfigurations) + "/fail-validator").status, 200u);
  register_webhook(
      {{"name", "ignore.example.com"},
       {"failurePolicy", "Ignore"},
       {"clientConfig", json::object{{"url", down_url}, {"caBundle", webhook_.ca_bundle()}}}},
      "ignore-validator");
  EXPECT_EQ(cluster_.post(kConfigMaps, configmap("admitted")).status, 201u);
}

TEST_F(AdmissionWebhookTest, UntrustedCertificateIsACallFailure) {
  register_webhook({{"clientConfig", json::object{{"url", webhook_.url()}}}});
  auto r = cluster_.post(kConfigMaps, configmap("untrusted"));
  EXPECT_EQ(r.status, 500u);
  EXPECT_TRUE(webhook_.received().empty());
}

TEST_F(AdmissionWebhookTest, TimeoutIsACallFailure) {
  webhook_.set_delay(3s);
  register_webhook({{"timeoutSeconds", 1}});
  auto r = cluster_.post(kConfigMaps, configmap("slow"));
  EXPECT_EQ(r.status, 500u);
  std::string message(r.json().at("message").as_string());
  EXPECT_TRUE(message.ends_with("failed to call webhook: Post \"" + webhook_.url() +
                                "?timeout=1s\": context deadline exceeded"))
      << message;
  EXPECT_EQ(cluster_.get(std::string(kConfigMaps) + "/slow").status, 404u);
}

TEST_F(AdmissionWebhookTest, NamespaceSelector) {
  for (auto [name, labels] :
       {std::pair{"guarded", json::object{{"webhook", "on"}}}, std::pair{"open", json::object{}}}) {
    auto r =
        cluster_.post("/api/v1/namespaces",
                      json::object{{"apiVersion", "v1"},
                                   {"kind", "Namespace"},
                                   {"metadata", json::object{{"name", name}, {"labels", labels}}}});
    ASSERT_EQ(r.status, 201u) << r.body;
  }
  webhook_.set_policy([](const review::AdmissionRequest& r) { return deny(r, "guarded"); });
  register_webhook(
      {{"namespaceSelector", json::object{{"matchLabels", json::object{{"webhook", "on"}}}}}});
  EXPECT_EQ(cluster_.post("/api/v1/namespaces/open/configmaps", configmap("a")).status, 201u);
  EXPECT_EQ(cluster_.post("/api/v1/namespaces/guarded/configmaps", configmap("a")).status, 403u);
  ASSERT_EQ(webhook_.received().size(), 1u);
  EXPECT_EQ(webhook_.received()[0].namespace_, "guarded");
}

TEST_F(AdmissionWebhookTest, ObjectSelectorOnNewAndOldObject) {
  webhook_.set_policy([](const review::AdmissionRequest& r) { return deny(r, "guarded object"); });
  register_webhook(
      {{"objectSelector", json::object{{"matchLabels", json::object{{"guard", "on"}}}}}});
  EXPECT_EQ(cluster_.post(kConfigMaps, configmap("plain")).status, 201u);
  EXPECT_EQ(cluster_.post(kConfigMaps, configmap("guarded", {{"guard", "on"}})).status, 403u);
  // Removing the label in the same update does not escape the webhook.
  webhook_.set_policy([](const review::AdmissionRequest& r) { return review::allow(r.uid); });
  EXPECT_EQ(cluster_.post(kConfigMaps, configmap("labelled", {{"guard", "on"}})).status, 201u);
  webhook_.set_policy([](const review::AdmissionRequest& r) { return deny(r, "guarded object"); });
  auto r = cluster_.patch(std::string(kConfigMaps) + "/labelled",
                          R"({"metadata":{"labels":{"guard":null}}})");
  EXPECT_EQ(r.status, 403u) << r.body;
}

TEST_F(AdmissionWebhookTest, DeleteSendsTheOldObject) {
  ASSERT_EQ(cluster_.post(kConfigMaps, configmap("keep")).status, 201u);
  webhook_.set_policy([](const review::AdmissionRequest& r) { return deny(r, "keep it"); });
  register_webhook(
      {{"rules", json::array{json::object{{"operations", json::array{"DELETE"}},
                                          {"apiGroups", json::array{""}},
                                          {"apiVersions", json::array{"v1"}},
                                          {"resources", json::array{"configmaps"}}}}}});
  auto r = cluster_.del(std::string(kConfigMaps) + "/keep");
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(cluster_.get(std::string(kConfigMaps) + "/keep").status, 200u);
  ASSERT_EQ(webhook_.received().size(), 1u);
  auto seen = webhook_.received()[0];
  EXPECT_EQ(seen.operation, review::Operation::kDelete);
  EXPECT_EQ(seen.name, "keep");
  EXPECT_TRUE(seen.object.empty());
  EXPECT_EQ(json::parse(seen.old_object).at("metadata").at("name"), "keep");
  EXPECT_EQ(json::parse(seen.options).at("kind"), "DeleteOptions");
  // kubectl delete prints the denial too.
  auto deleted = kubectl({"delete", "configmap", "keep"});
  EXPECT_EQ(deleted.exit_code, 1);
  EXPECT_EQ(deleted.err,
            "Error from server: admission webhook \"validate.configmaps.example.com\" denied the "
            "request: keep it\n");
}

TEST_F(AdmissionWebhookTest, DryRun) {
  register_webhook({{"sideEffects", "Unknown"}});
  auto refused = cluster_.request("POST", std::string(kConfigMaps) + "?dryRun=All",
                                  json::serialize(configmap("dry")));
  EXPECT_EQ(refused.status, 400u);
  EXPECT_EQ(refused.json().at("message"),
            "admission webhook \"validate.configmaps.example.com\" does not support dry run");
  EXPECT_TRUE(webhook_.received().empty());
  ASSERT_EQ(cluster_.del(std::string(kConfigurations) + "/test-validator").status, 200u);

  register_webhook({{"sideEffects", "NoneOnDryRun"}});
  auto admitted = cluster_.request("POST", std::string(kConfigMaps) + "?dryRun=All",
                                   json::serialize(configmap("dry")));
  EXPECT_EQ(admitted.status, 201u) << admitted.body;
  ASSERT_EQ(webhook_.received().size(), 1u);
  EXPECT_TRUE(webhook_.received()[0].dry_run);
  EXPECT_EQ(cluster_.get(std::string(kConfigMaps) + "/dry").status, 404u);
}

TEST_F(AdmissionWebhookTest, ImpersonatedServiceAccountIsTheUserInfo) {
  register_webhook({});
  auto r =
      cluster_.request("POST", kConfigMaps, json::serialize(configmap("as-sa")), "application/json",
                       {{"Impersonate-User", "system:serviceaccount:ns:name"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  auto seen = webhook_.received().back();
  EXPECT_EQ(seen.user_info.username, "system:serviceaccount:ns:name");
  EXPECT_EQ(seen.user_info.groups,
            (std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:ns",
                                      "system:authenticated"}));

  auto k = kubectl({"create", "configmap", "as-dynop", "--from-literal=a=1",
                    "--as=system:serviceaccount:dynop-system:dynop", "--as-group=dynop-operators"});
  ASSERT_EQ(k.exit_code, 0) << k.err;
  seen = webhook_.received().back();
  EXPECT_EQ(seen.user_info.username, "system:serviceaccount:dynop-system:dynop");
  EXPECT_EQ(seen.user_info.groups,
            (std::vector<std::string>{"dynop-operators", "system:authenticated"}));
}

TEST_F(AdmissionWebhookTest, ServiceReferenceResolvesToLoopback) {
  register_webhook(
      {{"clientConfig", json::object{{"service", json::object{{"namespace", "dynop-system"},
                                                              {"name", "dynop-webhook"},
                                                              {"path", "/validate"},
                                                              {"port", webhook_.port()}}},
                                     {"caBundle", webhook_.ca_bundle()}}}});
  EXPECT_EQ(cluster_.post(kConfigMaps, configmap("via-service")).status, 201u);
  ASSERT_EQ(webhook_.received().size(), 1u);
  EXPECT_EQ(webhook_.paths().at(0), "/validate?timeout=5s");
}

// The scale subresource: a CRD with /scale, a rule on widgets/scale.
TEST_F(AdmissionWebhookTest, ScaleSubresourceSendsTheScale) {
  auto crd = json::parse(R"({
    "apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"widgets.example.com"},
    "spec":{"group":"example.com","scope":"Namespaced",
      "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
      "versions":[{"name":"v1","served":true,"storage":true,
        "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}},
        "schema":{"openAPIV3Schema":{"type":"object","properties":{
          "spec":{"type":"object","properties":{"replicas":{"type":"integer"},"note":{"type":"string"}}},
          "status":{"type":"object","properties":{"replicas":{"type":"integer"}}}}}}}]}})");
  ASSERT_EQ(cluster_.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd).status,
            201u);
  const std::string widgets = "/apis/example.com/v1/namespaces/default/widgets";
  ASSERT_TRUE(eventually([&] { return cluster_.get(widgets).status == 200; }));
  auto widget = json::parse(
      R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"replicas":1}})");
  ASSERT_EQ(cluster_.post(widgets, widget).status, 201u);

  webhook_.set_policy([](const review::AdmissionRequest& r) {
    auto replicas = json::parse(r.object).at("spec").at("replicas").to_number<std::int64_t>();
    if (replicas > 5) return deny(r, "at most 5 replicas");
    return review::allow(r.uid);
  });
  register_webhook(
      {{"rules", json::array{json::object{{"operations", json::array{"UPDATE"}},
                                          {"apiGroups", json::array{"example.com"}},
                                          {"apiVersions", json::array{"*"}},
                                          {"resources", json::array{"widgets/scale"}}}}}});
  // The main resource is not covered by widgets/scale.
  ASSERT_EQ(cluster_.patch(widgets + "/w1", R"({"spec":{"note":"x"}})").status, 200u);
  EXPECT_TRUE(webhook_.received().empty());

  auto scaled = cluster_.patch(widgets + "/w1/scale", R"({"spec":{"replicas":3}})");
  EXPECT_EQ(scaled.status, 200u) << scaled.body;
  ASSERT_EQ(webhook_.received().size(), 1u);
  auto seen = webhook_.received()[0];
  EXPECT_EQ(seen.sub_resource, "scale");
  EXPECT_EQ(seen.kind, (review::GroupVersionKind{"autoscaling", "v1", "Scale"}));
  EXPECT_EQ(seen.resource, (review::GroupVersionResource{"example.com", "v1", "widgets"}));
  auto object = json::parse(seen.object);
  EXPECT_EQ(object.at("kind"), "Scale");
  EXPECT_EQ(object.at("apiVersion"), "autoscaling/v1");
  EXPECT_EQ(object.at("spec").at("replicas"), 3);
  EXPECT_EQ(json::parse(seen.old_object).at("spec").at("replicas"), 1);

  auto refused = kubectl({"scale", "widget", "w1", "--replicas=9"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err,
            "Error from server: admission webhook \"validate.configmaps.example.com\" denied the "
            "request: at most 5 replicas\n");
  auto read = cluster_.get(widgets + "/w1");
  EXPECT_EQ(read.json().at("spec").at("replicas"), 3);
}

// A `*/status` rule: status writes reach the webhook with subResource
// "status" and the whole object; writes of the main resource do not.
TEST_F(AdmissionWebhookTest, StatusSubresourceRule) {
  auto crd = json::parse(R"({
    "apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"gadgets.example.com"},
    "spec":{"group":"example.com","scope":"Namespaced",
      "names":{"plural":"gadgets","singular":"gadget","kind":"Gadget","listKind":"GadgetList"},
      "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
        "schema":{"openAPIV3Schema":{"type":"object","properties":{
          "spec":{"type":"object","properties":{"size":{"type":"integer"}}},
          "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}}]}})");
  ASSERT_EQ(cluster_.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd).status,
            201u);
  const std::string gadgets = "/apis/example.com/v1/namespaces/default/gadgets";
  ASSERT_TRUE(eventually([&] { return cluster_.get(gadgets).status == 200; }));
  auto gadget = json::parse(
      R"({"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g1"},"spec":{"size":1}})");
  ASSERT_EQ(cluster_.post(gadgets, gadget).status, 201u);
  webhook_.set_policy(
      [](const review::AdmissionRequest& r) { return deny(r, "status is frozen"); });
  register_webhook({{"rules", json::array{json::object{{"operations", json::array{"*"}},
                                                       {"apiGroups", json::array{"*"}},
                                                       {"apiVersions", json::array{"*"}},
                                                       {"resources", json::array{"*/status"}}}}}});
  EXPECT_EQ(cluster_.patch(gadgets + "/g1", R"({"spec":{"size":2}})").status, 200u);
  auto r = cluster_.patch(gadgets + "/g1/status", R"({"status":{"ready":true}})");
  EXPECT_EQ(r.status, 403u) << r.body;
  ASSERT_EQ(webhook_.received().size(), 1u);
  auto seen = webhook_.received()[0];
  EXPECT_EQ(seen.sub_resource, "status");
  EXPECT_EQ(seen.kind, (review::GroupVersionKind{"example.com", "v1", "Gadget"}));
  EXPECT_EQ(json::parse(seen.object).at("status").at("ready"), true);
}

}  // namespace
}  // namespace dynop::test
