// The planner plugin over the SDK's fake host: the upstream
// sglang-disagg_planner.yaml unchanged, the shared H200 profile in a
// ConfigMap, frontend metrics answered per query.
#include "plugins/planner/planner_plugin.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <dynop/sdk/testing/fake_host.hpp>
#include <fstream>
#include <sstream>

#include "tests/support/reference_dir.hpp"
#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::planner {
namespace {

namespace json = boost::json;
using sdk::testing::FakeHost;

const sdk::Gvk kDgd{"nvidia.com", "v1alpha1", "DynamoGraphDeployment"};
const sdk::Gvk kDgdsa{"nvidia.com", "v1alpha1", "DynamoGraphDeploymentScalingAdapter"};
const sdk::Gvk kConfigMap{"", "v1", "ConfigMap"};
constexpr const char* kName = "sglang-disagg-planner";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The frontends' last interval: `rate` req/s of 300 tokens in and 600 out
// (decode-heavy), TTFT 40 ms, ITL 12 ms.
struct Load {
  double rate = 0;
  bool scraped = true;
};

class PlannerPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dgd =
        testing::yaml_file_to_json(testing::upstream_example_path("sglang-disagg_planner.yaml"));
    if (!dgd) GTEST_SKIP() << "upstream examples not available";
    dgd_ = testing::as_stored(*dgd, "default");
    set_ready(2, 2);
    json::object cm = testing::as_stored(
        json::object{{"apiVersion", "v1"},
                     {"kind", "ConfigMap"},
                     {"metadata", {{"name", "planner-profile-data"}}},
                     {"data",
                      {{"profile.json",
                        read_file(test::reference_dir() +
                                  "/bench-data/profiles/dynamo_h200_llama31_8b_fp8_vllm.json")}}}});
    host_.put({kConfigMap, "default", "planner-profile-data"}, json::serialize(cm));
    set_adapter("prefill", 2);
    set_adapter("decode", 2);
    host_.prometheus = [this](const FakeHost::PromQuery& q) {
      sdk::Result<sdk::PromResult> r;
      if (!load_.scraped) return r;  // no series
      double v = 0;
      const bool count = q.promql.find("requests_total") != std::string::npos;
      if (count)
        v = load_.rate * 15;
      else if (q.promql.find("input_sequence") != std::string::npos)
        v = 300;
      else if (q.promql.find("output_sequence") != std::string::npos)
        v = 600;
      else if (q.promql.find("time_to_first") != std::string::npos)
        v = 0.04;
      else if (q.promql.find("inter_token") != std::string::npos)
        v = 0.012;
      else if (q.promql.find("request_duration") != std::string::npos)
        v = 3;
      r.value.series.push_back({{}, {{0, v}}});
      return r;
    };
  }

  void set_ready(int prefill, int decode) {
    dgd_["status"] = json::object{
        {"services",
         {{"prefill", {{"readyReplicas", prefill}}}, {"decode", {{"readyReplicas", decode}}}}}};
    host_.put({kDgd, "default", kName}, json::serialize(dgd_));
  }
  void set_adapter(const std::string& service, int replicas) {
    const std::string name = std::string(kName) + "-" + service;
    // As the dgd plugin creates it (the CRD requires spec.dgdRef and spec.replicas).
    host_.put(
        {kDgdsa, "default", name},
        json::serialize(json::object{
            {"metadata", {{"name", name}, {"namespace", "default"}}},
            {"spec",
             {{"replicas", replicas}, {"dgdRef", {{"name", kName}, {"serviceName", service}}}}}}));
  }
  void set_args(std::vector<std::string> args) {
    json::array a;
    for (auto& w : args) a.emplace_back(w);
    dgd_["spec"]
        .at("services")
        .at("Planner")
        .at("extraPodSpec")
        .at("mainContainer")
        .as_object()["args"] = a;
    host_.put({kDgd, "default", kName}, json::serialize(dgd_));
  }
  // The status the planner last wrote.
  json::object written_status() const {
    for (auto it = host_.writes().rbegin(); it != host_.writes().rend(); ++it) {
      if (it->verb == "update_status") return json::parse(it->body).at("status").as_object();
    }
    return {};
  }
  const json::object* condition(const json::object& status) const {
    for (const auto& c : status.at("conditions").as_array()) {
      if (c.at("type").as_string() == "PlannerReady") return &c.as_object();
    }
    return nullptr;
  }
  bool has_event(std::string_view reason, std::string_view text) const {
    for (const auto& e : host_.events()) {
      if (e.reason == reason && e.message.find(text) != std::string::npos) return true;
    }
    return false;
  }

  FakeHost host_;
  json::object dgd_;
  Load load_;
};

TEST_F(PlannerPluginTest, ScalesPrefillAndDecodeThroughTheAdapters) {
  PlannerPlugin plugin(host_.host(), "intervalSeconds: 15\n");
  EXPECT_EQ(plugin.autoscaler_spec().interval, std::chrono::seconds(15));
  load_.rate = 80;
  auto decisions = plugin.evaluate();
  // 80 x 600 = 48,000 output tokens/s at 50 ms ITL: more than 2 decode
  // engines; 80 x 300 = 24,000 input tokens/s: more than 2 prefill engines.
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0].target.name, "sglang-disagg-planner-prefill");
  EXPECT_EQ(decisions[0].target.gvk.kind, "DynamoGraphDeploymentScalingAdapter");
  EXPECT_EQ(decisions[1].target.name, "sglang-disagg-planner-decode");
  EXPECT_GT(decisions[1].desired_replicas, 2);
  EXPECT_LE(decisions[0].desired_replicas + decisions[1].desired_replicas, 8);  // the budget
  EXPECT_NE(decisions[1].reason.find("decode: predicted 80 req/s, ISL 300, OSL 600, needs"),
            std::string::npos)
      << decisions[1].reason;
  EXPECT_NE(decisions[1].reason.find("at ITL <= 50 ms"), std::string::npos);
  // Nothing else is written but the DGD's status.
  for (const auto& w : host_.writes()) EXPECT_EQ(w.verb, "update_status");
  json::object status = written_status();
  ASSERT_NE(condition(status), nullptr);
  EXPECT_EQ(condition(status)->at("status").as_string(), "True");
  // Upstream's default predictor, arima, is replaced, and the status says so.
  EXPECT_NE(condition(status)->at("message").as_string().find("arima is not implemented"),
            std::string::npos);
  const json::object& block = status.at("planner").as_object();
  EXPECT_EQ(block.at("predictor").as_string(), "arima (holt-winters)");
  EXPECT_DOUBLE_EQ(block.at("prediction").at("requestRate").as_double(), 80);
  EXPECT_EQ(block.at("lastChange").at("service").as_string(), "decode");
  EXPECT_TRUE(block.at("correctionFactors").at("decode").is_double());
  bool metric = false;
  for (const auto& f : host_.metrics()) metric |= f.name == "dynop_planner_desired_replicas";
  EXPECT_TRUE(metric);
}

TEST_F(PlannerPluginTest, UnderTheBudgetAScaleDownIsWrittenBeforeTheScaleUpItMakesRoomFor) {
  // Decode holds 6 of the 8 GPUs; the load needs more prefill, and the budget
  // cuts decode to make room. The host writes decisions in order: decode's
  // GPUs must be given back before prefill takes them.
  PlannerPlugin plugin(host_.host(), "intervalSeconds: 15\n");
  set_adapter("prefill", 2);
  set_adapter("decode", 6);
  set_ready(2, 6);
  load_.rate = 80;
  auto decisions = plugin.evaluate();
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0].target.name, "sglang-disagg-planner-decode");
  EXPECT_LT(decisions[0].desired_replicas, 6);
  EXPECT_EQ(decisions[1].target.name, "sglang-disagg-planner-prefill");
  EXPECT_GT(decisions[1].desired_replicas, 2);
  EXPECT_LE(decisions[0].desired_replicas + decisions[1].desired_replicas, 8);
}

TEST_F(PlannerPluginTest, NoOperationOnlyReports) {
  set_args({"--environment=kubernetes", "--backend=sglang", "--adjustment-interval=60",
            "--profile-results-dir=/workspace/profiling_results", "--no-operation"});
  PlannerPlugin plugin(host_.host(), "");
  load_.rate = 80;
  EXPECT_TRUE(plugin.evaluate().empty());
  EXPECT_TRUE(has_event("PlannerRecommendation", "(--no-operation, not applied): 2 -> "));
  EXPECT_TRUE(written_status().at("planner").at("noOperation").as_bool());
}

TEST_F(PlannerPluginTest, BadOptionsAreAnEventAndAConditionAndChangeNothing) {
  set_args({"--profile-results-dir=/workspace/profiling_results", "--ttft=fast"});
  PlannerPlugin plugin(host_.host(), "");
  load_.rate = 80;
  EXPECT_TRUE(plugin.evaluate().empty());
  EXPECT_TRUE(has_event("PlannerInvalidOptions", "--ttft: invalid value \"fast\""));
  json::object status = written_status();
  EXPECT_EQ(condition(status)->at("status").as_string(), "False");
  EXPECT_EQ(condition(status)->at("reason").as_string(), "InvalidOptions");
  EXPECT_EQ(condition(status)->at("message").as_string(),
            "planner service Planner: --ttft: invalid value \"fast\"");
  // The same problem next round: no second event.
  host_.clear_recorded();
  EXPECT_TRUE(plugin.evaluate().empty());
  EXPECT_FALSE(has_event("PlannerInvalidOptions", "--ttft"));
}

TEST_F(PlannerPluginTest, ABadProfileIsNamed) {
  host_.put(
      {kConfigMap, "default", "planner-profile-data"},
      R"({"metadata":{"name":"planner-profile-data","namespace":"default"},"data":{"profile.json":"{\"prefill\": 1}"}})");
  PlannerPlugin plugin(host_.host(), "");
  EXPECT_TRUE(plugin.evaluate().empty());
  json::object status = written_status();
  EXPECT_EQ(condition(status)->at("reason").as_string(), "InvalidProfile");
  EXPECT_NE(condition(status)->at("message").as_string().find(
                "configmap default/planner-profile-data key profile.json"),
            std::string::npos);
  EXPECT_TRUE(has_event("PlannerInvalidProfile", "configmap default/planner-profile-data"));
}

TEST_F(PlannerPluginTest, MissingMetricsSkipTheRound) {
  load_.scraped = false;
  PlannerPlugin plugin(host_.host(), "");
  EXPECT_TRUE(plugin.evaluate().empty());
  EXPECT_TRUE(has_event("PlannerRoundSkipped",
                        "no dynamo_frontend_requests_total series for "
                        "dynamo_namespace=\"default-sglang-disagg-planner\""));
  json::object status = written_status();
  EXPECT_EQ(status.at("planner").at("lastRound").as_string().rfind("skipped: metrics missing", 0),
            0u);
  bool counted = false;
  for (const auto& f : host_.metrics()) {
    if (f.name != "dynop_planner_rounds_total") continue;
    for (const auto& [labels, v] : f.series)
      counted |= labels.find("outcome=skipped") != std::string::npos;
  }
  EXPECT_TRUE(counted);
}

// Through the plugin, the first round only (the plugin's clock is the wall's): the scale-down
// once the window has passed is GraphPlanner.ScalesBackWhenTheLoadDropsAfterTheWindow.
TEST_F(PlannerPluginTest, DoesNotScaleDownWhileDecodeWorkersStartNorBeforeTheWindow) {
  // --adjustment-interval 60 is the scale-down window; 15 s rounds.
  PlannerPlugin plugin(host_.host(), "intervalSeconds: 15\n");
  set_adapter("prefill", 3);
  set_adapter("decode", 5);  // 8 GPUs: the budget
  set_ready(3, 2);           // three decode workers still loading
  load_.rate = 1;
  // The first round: decode has workers starting, prefill's window has not passed.
  EXPECT_TRUE(plugin.evaluate().empty());
  EXPECT_EQ(written_status().at("planner").at("services").at("decode").at("desiredReplicas"), 5);
}

}  // namespace
}  // namespace dynop::plugins::planner
