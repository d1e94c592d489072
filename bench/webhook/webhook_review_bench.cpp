// CPU per admission review (goal: <= 10 us per review). The headline rows,
// BM_WebhookSoBehindHostDispatcher_*, are webhook.so behind the host's
// dispatcher as `make run` serves it, short of TLS and HTTP (bench/webhook/
// run_wrk.sh measures the running dynop over HTTPS). BM_InProcessWebhookClass_*
// call the webhook's C++ class directly, without the ABI or the host: the
// rules' own share. The rest are parts and references.
// Bodies are shaped like kube-apiserver's in trace 07-webhook-02: the guide's
// sglang-agg DGD with its last-applied annotation and managedFields, 3.4 KB
// for a CREATE and 6.2 KB for the UPDATE of `kubectl patch ... replicas: 3`.

#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <string>

#include "host/admission/admission_dispatcher.hpp"
#include "lib/admission/admission_request.hpp"
#include "lib/admission/admission_response.hpp"
#include "lib/metrics/registry.hpp"
#include "lib/net/message.hpp"
#include "plugins/webhook/webhook.hpp"
#include "tests/support/loaded_webhook.hpp"

namespace {

namespace json = boost::json;
using dynop::plugins::webhook::DgdLookupResult;
using dynop::plugins::webhook::Webhook;
using dynop::plugins::webhook::WebhookConfig;

json::object decode_service(int replicas) {
  return {{"componentType", "worker"},
          {"dynamoNamespace", "sglang-agg"},
          {"envFromSecret", "hf-token-secret"},
          {"extraPodSpec",
           {{"mainContainer",
             {{"args",
               {"--model-path", "Qwen/Qwen3-0.6B", "--served-model-name", "Qwen/Qwen3-0.6B",
                "--page-size", "16", "--tp", "1", "--trust-remote-code", "--skip-tokenizer-init"}},
              {"command", {"python3", "-m", "dynamo.sglang"}},
              {"image", "my-registry/sglang-runtime:my-tag"},
              {"workingDir", "/workspace/examples/backends/sglang"}}}}},
          {"replicas", replicas},
          {"resources", {{"limits", {{"gpu", "1"}}}}}};
}

json::object dgd(int decode_replicas) {
  json::object spec = {
      {"services",
       {{"Frontend",
         {{"componentType", "frontend"},
          {"dynamoNamespace", "sglang-agg"},
          {"extraPodSpec", {{"mainContainer", {{"image", "my-registry/sglang-runtime:my-tag"}}}}},
          {"replicas", 1}}},
        {"decode", decode_service(decode_replicas)}}}};
  json::object applied = {
      {"apiVersion", "nvidia.com/v1alpha1"},
      {"kind", "DynamoGraphDeployment"},
      {"metadata",
       {{"annotations", json::object{}}, {"name", "sglang-agg"}, {"namespace", "default"}}},
      {"spec", spec}};
  // managedFields as kubectl apply leaves them: one entry mirroring the spec.
  json::object fields = {
      {"f:componentType", json::object{}},
      {"f:dynamoNamespace", json::object{}},
      {"f:envFromSecret", json::object{}},
      {"f:extraPodSpec",
       {{".", json::object{}},
        {"f:mainContainer",
         {{".", json::object{}},
          {"f:args", json::object{}},
          {"f:command", json::object{}},
          {"f:image", json::object{}},
          {"f:workingDir", json::object{}}}}}},
      {"f:replicas", json::object{}},
      {"f:resources", {{".", json::object{}}, {"f:limits", {{"f:gpu", json::object{}}}}}}};
  json::object managed = {
      {"apiVersion", "nvidia.com/v1alpha1"},
      {"fieldsType", "FieldsV1"},
      {"fieldsV1",
       {{"f:metadata",
         {{"f:annotations",
           {{".", json::object{}},
            {"f:kubectl.kubernetes.io/last-applied-configuration", json::object{}}}}}},
        {"f:spec",
         {{".", json::object{}},
          {"f:services", {{".", json::object{}}, {"f:Frontend", fields}, {"f:decode", fields}}}}}}},
      {"manager", "kubectl-client-side-apply"},
      {"operation", "Update"},
      {"time", "2026-11-28T00:44:13Z"}};
  return {
      {"apiVersion", "nvidia.com/v1alpha1"},
      {"kind", "DynamoGraphDeployment"},
      {"metadata",
       {{"annotations",
         {{"kubectl.kubernetes.io/last-applied-configuration", json::serialize(applied) + "\n"}}},
        {"creationTimestamp", "2026-11-28T00:44:13Z"},
        {"generation", 1},
        {"managedFields", json::array{managed}},
        {"name", "sglang-agg"},
        {"namespace", "default"},
        {"uid", "3f02ced3-edea-4d8e-9841-cd40944dabb2"}}},
      {"spec", spec}};
}

std::string review_body(bool update, const std::string& username) {
  const json::object gvk = {
      {"group", "nvidia.com"}, {"version", "v1alpha1"}, {"kind", "DynamoGraphDeployment"}};
  const json::object gvr = {
      {"group", "nvidia.com"}, {"version", "v1alpha1"}, {"resource", "dynamographdeployments"}};
  json::object request = {{"uid", "3324dfaa-2839-4d14-92ac-61277ae13dca"},
                          {"kind", gvk},
                          {"resource", gvr},
                          {"requestKind", gvk},
                          {"requestResource", gvr},
                          {"name", "sglang-agg"},
                          {"namespace", "default"},
                          {"operation", update ? "UPDATE" : "CREATE"},
                          {"userInfo",
                           {{"username", username},
                            {"uid", "admin-uid"},
                            {"groups", {"system:masters", "system:authenticated"}}}},
                          {"object", dgd(update ? 3 : 1)},
                          {"oldObject", update ? json::value(dgd(1)) : json::value(nullptr)},
                          {"dryRun", false},
                          {"options",
                           {{"kind", update ? "UpdateOptions" : "CreateOptions"},
                            {"apiVersion", "meta.k8s.io/v1"},
                            {"fieldManager", "kubectl-patch"}}}};
  return json::serialize(json::object{
      {"kind", "AdmissionReview"}, {"apiVersion", "admission.k8s.io/v1"}, {"request", request}});
}

const Webhook& webhook() {
  static const Webhook instance(
      WebhookConfig{}, [](std::string_view, std::string_view) { return DgdLookupResult{}; });
  return instance;
}

// Times `review(body)` (which returns the encoded AdmissionReview answer),
// after checking once that it answers as expected.
template <class Review>
void run_reviews(benchmark::State& state, const std::string& body, bool expect_allowed,
                 Review&& review) {
  const std::string first = review(body);
  const bool allowed = first.find("\"allowed\":true") != std::string::npos;
  if (allowed != expect_allowed) state.SkipWithError(("unexpected answer: " + first).c_str());
  for (auto _ : state) {
    auto answer = review(body);
    benchmark::DoNotOptimize(answer.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.counters["body_bytes"] = static_cast<double>(body.size());
}

void run_reviews(benchmark::State& state, const std::string& body, bool expect_allowed) {
  run_reviews(state, body, expect_allowed,
              [](const std::string& review) { return webhook().handle(review); });
}

// The guide's blocked command: UPDATE by a user, denied with the guide's message.
void BM_InProcessWebhookClass_UpdateDenied(benchmark::State& state) {
  run_reviews(state, review_body(true, "admin"), false);
}
BENCHMARK(BM_InProcessWebhookClass_UpdateDenied);

// The dgdsa plugin's own write: UPDATE by the operator's service account, admitted.
void BM_InProcessWebhookClass_UpdateByOperator(benchmark::State& state) {
  run_reviews(state, review_body(true, "system:serviceaccount:dynop-system:dynop"), true);
}
BENCHMARK(BM_InProcessWebhookClass_UpdateByOperator);

// kubectl apply of a new DGD: CREATE, admitted.
void BM_InProcessWebhookClass_Create(benchmark::State& state) {
  run_reviews(state, review_body(false, "admin"), true);
}
BENCHMARK(BM_InProcessWebhookClass_Create);

// The same review along the plugin path: the host decodes the review and
// hands the request object to the plugin, which decodes and judges it; the
// host encodes the answer.
void BM_InProcessWebhookClass_PluginSplit_UpdateDenied(benchmark::State& state) {
  const std::string body = review_body(true, "admin");
  for (auto _ : state) {
    auto decoded = dynop::admission::decode_request(body, {.object_texts = false});
    auto response = webhook().review_request_object(decoded.request_json);
    auto answer = dynop::admission::encode_response(response);
    benchmark::DoNotOptimize(answer.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_InProcessWebhookClass_PluginSplit_UpdateDenied);

// What `make run` serves short of TLS and HTTP: webhook.so loaded by the
// host's plugin manager (Boost.DLL, the C ABI, the SDK's export layer) behind
// the host's AdmissionDispatcher (route by path, decode, match rules, call the
// plugin through the ABI, metrics, encode). The webhook's DGD lookups answer
// from a map standing in for the informer cache (tests/support/loaded_webhook).
const dynop::test::LoadedWebhook& loaded_webhook() {
  static const auto* instance = [] {
    spdlog::set_level(spdlog::level::warn);  // a denial logs one info line per review
    auto* loaded = new dynop::test::LoadedWebhook(
        DYNOP_PLUGIN_DIR, {{"default/sglang-agg", json::serialize(dgd(1))}});
    return loaded;
  }();
  return *instance;
}

void run_dispatcher(benchmark::State& state, const std::string& body, bool expect_allowed) {
  if (!loaded_webhook().ok()) {
    state.SkipWithError(("webhook.so: " + loaded_webhook().error()).c_str());
    return;
  }
  // The request as kube-apiserver sends it, body included (copied per review,
  // as the server's parser fills a new request for each).
  run_reviews(state, body, expect_allowed, [](const std::string& review) {
    return loaded_webhook()
        .dispatcher()
        .handle(dynop::net::Request::make(
            "POST", "/validate-nvidia-com-v1alpha1-dynamographdeployment?timeout=10s",
            {{"Content-Type", "application/json"}}, review))
        .body;
  });
}

// The guide's blocked `kubectl patch` of the DGD's replicas: denied.
void BM_WebhookSoBehindHostDispatcher_UpdateDenied(benchmark::State& state) {
  run_dispatcher(state, review_body(true, "admin"), false);
}
BENCHMARK(BM_WebhookSoBehindHostDispatcher_UpdateDenied);

// The dgdsa plugin's own DGD write: admitted.
void BM_WebhookSoBehindHostDispatcher_UpdateByOperator(benchmark::State& state) {
  run_dispatcher(state, review_body(true, "system:serviceaccount:dynop-system:dynop"), true);
}
BENCHMARK(BM_WebhookSoBehindHostDispatcher_UpdateByOperator);

// kubectl apply of a new DGD: admitted.
void BM_WebhookSoBehindHostDispatcher_Create(benchmark::State& state) {
  run_dispatcher(state, review_body(false, "admin"), true);
}
BENCHMARK(BM_WebhookSoBehindHostDispatcher_Create);

// The parts, to see where the time goes.
void BM_DecodeRequest(benchmark::State& state) {
  const std::string body = review_body(true, "admin");
  for (auto _ : state) {
    auto decoded = dynop::admission::decode_request(body);
    benchmark::DoNotOptimize(decoded.request->object.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_DecodeRequest);

void BM_EncodeResponse(benchmark::State& state) {
  const auto response = dynop::admission::deny(
      "3324dfaa-2839-4d14-92ac-61277ae13dca",
      "spec.services[decode].replicas cannot be modified directly when scaling adapter is "
      "enabled; use 'kubectl scale dgdsa/sglang-agg-decode --replicas=3' or update the "
      "DynamoGraphDeploymentScalingAdapter instead");
  for (auto _ : state) {
    auto body = dynop::admission::encode_response(response);
    benchmark::DoNotOptimize(body.data());
  }
}
BENCHMARK(BM_EncodeResponse);

// References: a full simdjson DOM parse and a Boost.JSON parse of the same body.
void BM_Reference_SimdjsonDomParse(benchmark::State& state) {
  const std::string body = review_body(true, "admin");
  simdjson::dom::parser parser;
  for (auto _ : state) {
    simdjson::dom::element root;
    benchmark::DoNotOptimize(parser.parse(body).get(root));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_Reference_SimdjsonDomParse);

void BM_Reference_BoostJsonParse(benchmark::State& state) {
  const std::string body = review_body(true, "admin");
  for (auto _ : state) {
    auto value = json::parse(body);
    benchmark::DoNotOptimize(value);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_Reference_BoostJsonParse);

void BM_Reference_SimdjsonDomParseAndMinifyObjects(benchmark::State& state) {
  const std::string body = review_body(true, "admin");
  simdjson::dom::parser parser;
  for (auto _ : state) {
    simdjson::dom::element root;
    if (parser.parse(body).get(root) != simdjson::SUCCESS) state.SkipWithError("parse");
    std::string object = simdjson::to_string(root["request"]["object"]);
    std::string old_object = simdjson::to_string(root["request"]["oldObject"]);
    benchmark::DoNotOptimize(object.data());
    benchmark::DoNotOptimize(old_object.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_Reference_SimdjsonDomParseAndMinifyObjects);

}  // namespace

BENCHMARK_MAIN();
