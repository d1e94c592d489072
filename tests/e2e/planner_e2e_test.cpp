// The SLA planner plugin (planner.so) through `make run`'s own setup
// (packaging/run-local.sh: dynop-localcluster, the host with every plugin,
// dynop-sim and the real Prometheus), driven with the real kubectl as a user
// would, with the profile ConfigMap the planner service mounts made from the
// shared H200 profile. Three graphs:
//   - upstream's `disagg_planner.yaml`, applied unchanged, without load: the
//     planner takes its options and profile (PlannerReady=True), and a direct
//     edit of its replicas is still refused by the webhook;
//   - the same manifest with `--max-gpu-budget=4` added (and another name),
//     under a load step: the planner scales prefill and decode up through
//     their adapters until the budget stops it, and back when the load drops.
//     Upstream's default budget (8) would let the graph grow past what this
//     step needs, so nothing would show the budget holding;
//   - the same manifest with `--no-operation` added (and another name), under
//     a steady light load: the planner recommends 2 -> 1 and writes nothing.
//
// Time: dynop-sim runs 10x faster than wall time and the host's planner is
// told so (pluginConfig.planner.timeSpeedup: 10, through the host's --config;
// it plans every 10 wall seconds). The manifests keep upstream's
// --adjustment-interval=60 (simulated seconds: the planner's scale-down window).
//
// Load on the budget graph (sim time from the sim's start): 2 requests/s of
// 3,000 input and 300 output tokens, 24/s from 500 s to 1,100 s, then 2/s
// again. At 24/s the profile asks for 3 prefill and 2 decode engines, one GPU
// more than the budget; at 2/s one of each. The frontends count a request when
// it completes (as upstream's do), so the observed rate climbs with the
// capacity and the planner climbs with it, round by round.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <string>
#include <thread>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/file_text.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/reference_dir.hpp"
#include "tests/support/run_local_setup.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const char kDgd[] = "sglang-disagg-planner";
const char kBudgetDgd[] = "sglang-disagg-budget";
const char kNoOpDgd[] = "sglang-disagg-noop";
const char kPrefill[] = "sglang-disagg-budget-prefill";
const char kDecode[] = "sglang-disagg-budget-decode";
constexpr int kGpuBudget = 4;

std::string upstream_manifest_path() {
  return test::reference_dir() + "/upstream-dynamo-0.8/examples/sglang-disagg_planner.yaml";
}

// Upstream's manifest with one more planner argument and another name.
std::string upstream_with_arg(const std::string& name, const std::string& arg) {
  std::string text = test::file_text(upstream_manifest_path());
  const std::string interval_line = "- --adjustment-interval=60\n";
  const auto at = text.find(interval_line);
  if (at == std::string::npos) return "";
  const auto line_start = text.rfind('\n', at) + 1;
  text.insert(at + interval_line.size(),
              text.substr(line_start, at - line_start) + "- " + arg + "\n");
  const std::string old_name = std::string("name: ") + kDgd;
  text.replace(text.find(old_name), old_name.size(), "name: " + name);
  return text;
}

std::string load_file() {
  const std::string profile =
      test::source_path("sim/profiles/engines/dynamo_h200_llama31_8b_fp8_vllm.json");
  return "speedup: 10\ngraphs:\n- namespace: default\n  dgd: " + std::string(kBudgetDgd) +
         "\n  profile: " + profile + R"(
  load:
    step: [{at: 0, rate: 2}, {at: 500s, rate: 24}, {at: 1100s, rate: 2}]
    input_tokens: 3000
    output_tokens: 300
- namespace: default
  dgd: )" +
         kNoOpDgd + "\n  profile: " + profile + R"(
  load:
    constant: {rate: 2}
    input_tokens: 3000
    output_tokens: 300
)";
}

const char kHostConfig[] = R"(pluginConfig:
  planner:
    intervalSeconds: 10
    timeSpeedup: 10
)";

class PlannerE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto missing = test::RunLocalSetup::missing_prerequisite(); !missing.empty()) {
      GTEST_SKIP() << missing;
    }
    ASSERT_TRUE(std::filesystem::exists(test::binary_path("plugins/planner.so")))
        << "planner.so was not built";
    test::RunLocalSetup::Options options;
    options.sim_load = dir_.write("load.yaml", load_file());
    options.host_flags = {"--config", dir_.write("dynop.yaml", kHostConfig)};
    setup_ = std::make_unique<test::RunLocalSetup>(options);
    ASSERT_TRUE(setup_->ready()) << setup_->log();
  }

  void TearDown() override {
    if (setup_ && setup_->ready()) {
      EXPECT_EQ(setup_->stop(), 0) << "run-local.sh did not stop cleanly\n" << setup_->log();
    }
  }

  json::value get_json(const std::vector<std::string>& args) const {
    std::vector<std::string> all = {"get"};
    all.insert(all.end(), args.begin(), args.end());
    all.insert(all.end(), {"-n", "default", "-o", "json"});
    auto r = setup_->kubectl(all);
    return r.exit_code == 0 ? json::parse(r.out) : json::value();
  }

  // The adapter's spec.replicas, -1 when it cannot be read.
  int adapter_replicas(const std::string& adapter) const {
    json::value a = get_json({"dgdsa", adapter});
    const std::string text = a.is_object() ? test::field_text(a, {"spec", "replicas"}) : "";
    return !text.empty() && std::isdigit(static_cast<unsigned char>(text[0])) ? std::stoi(text)
                                                                              : -1;
  }

  // The budget DGD's prefill and decode replicas read from one list, so the
  // pair is one snapshot of the store (two gets could straddle a round).
  std::pair<int, int> budget_pair() const {
    int prefill = -1, decode = -1;
    json::value list = get_json({"dgdsa"});
    if (!list.is_object()) return {prefill, decode};
    for (const json::value& a : list.at("items").as_array()) {
      const std::string name = test::field_text(a, {"metadata", "name"});
      const std::string text = test::field_text(a, {"spec", "replicas"});
      if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) continue;
      if (name == kPrefill) prefill = std::stoi(text);
      if (name == kDecode) decode = std::stoi(text);
    }
    return {prefill, decode};
  }

  // The messages of the events on `object` with `reason`, oldest first.
  std::vector<std::string> event_messages(const std::string& object,
                                          const std::string& reason) const {
    std::vector<std::string> out;
    json::value list = get_json({"events"});
    if (!list.is_object()) return out;
    for (const json::value& e : list.at("items").as_array()) {
      if (test::field_text(e, {"involvedObject", "name"}) == object &&
          test::field_text(e, {"reason"}) == reason) {
        out.push_back(test::field_text(e, {"message"}));
      }
    }
    return out;
  }

  std::string condition(const std::string& dgd, const std::string& type) const {
    json::value d = get_json({"dgd", dgd});
    const json::value* conditions = d.is_object() && d.as_object().contains("status")
                                        ? d.at("status").as_object().if_contains("conditions")
                                        : nullptr;
    if (conditions == nullptr || !conditions->is_array()) return "<none>";
    for (const json::value& c : conditions->as_array()) {
      if (test::field_text(c, {"type"}) == type) {
        return test::field_text(c, {"status"}) + ": " + test::field_text(c, {"message"});
      }
    }
    return "<missing>";
  }

  // `condition` polled once a second (each poll runs kubectl) for up to `seconds`.
  static bool within(int seconds, const std::function<bool()>& condition) {
    return test::eventually(condition, seconds, 1s);
  }

  test::TempDir dir_{"planner-e2e"};
  std::unique_ptr<test::RunLocalSetup> setup_;
};

bool contains(const std::vector<std::string>& messages, const std::string& part) {
  for (const std::string& m : messages)
    if (m.find(part) != std::string::npos) return true;
  return false;
}

// An event "planner: A -> B: <what>..." with B > A.
bool has_scale_up(const std::vector<std::string>& messages, const std::string& what) {
  for (const std::string& m : messages) {
    int from = 0, to = 0, used = 0;
    if (std::sscanf(m.c_str(), "planner: %d -> %d: %n", &from, &to, &used) == 2 && used > 0 &&
        to > from && m.compare(used, what.size(), what) == 0)
      return true;
  }
  return false;
}

TEST_F(PlannerE2E, ScalesPrefillAndDecodeWithinTheBudgetAndBackAndNoOperationOnlyReports) {
  // The profile ConfigMap the planner service mounts, then the upstream
  // manifest as it is, and the --no-operation copy.
  EXPECT_EQ(setup_->kubectl_ok({"create", "configmap", "planner-profile-data", "-n", "default",
                                "--from-file=profile.json=" + test::reference_dir() +
                                    "/bench-data/profiles/dynamo_h200_llama31_8b_fp8_vllm.json"}),
            "configmap/planner-profile-data created\n");
  EXPECT_EQ(setup_->kubectl_ok({"apply", "-n", "default", "-f", upstream_manifest_path()}),
            "dynamographdeployment.nvidia.com/sglang-disagg-planner created\n");
  EXPECT_EQ(setup_->kubectl_ok({"apply", "-n", "default", "-f", "-"},
                               upstream_with_arg(kBudgetDgd, "--max-gpu-budget=4")),
            "dynamographdeployment.nvidia.com/sglang-disagg-budget created\n");
  EXPECT_EQ(setup_->kubectl_ok({"apply", "-n", "default", "-f", "-"},
                               upstream_with_arg(kNoOpDgd, "--no-operation")),
            "dynamographdeployment.nvidia.com/sglang-disagg-noop created\n");

  // The planner has read its options and profile and plans.
  EXPECT_TRUE(within(60, [&] { return condition(kDgd, "PlannerReady").starts_with("True"); }))
      << condition(kDgd, "PlannerReady") << "\n"
      << setup_->log();

  // A direct edit of a service's replicas is still the webhook's to refuse.
  auto patch = setup_->kubectl({"patch", "dgd", kDgd, "-n", "default", "--type=merge", "-p",
                                R"({"spec":{"services":{"decode":{"replicas":3}}}})"});
  EXPECT_EQ(patch.exit_code, 1) << patch.out;
  EXPECT_NE(patch.err.find("denied the request: spec.services[decode].replicas cannot be "
                           "modified directly when scaling adapter is enabled; use 'kubectl "
                           "scale dgdsa/sglang-disagg-planner-decode --replicas=3'"),
            std::string::npos)
      << patch.err;

  // The load step: both services are scaled up (from the one engine each the
  // light load before it needs) until they use the whole budget, and their
  // sum never exceeds it.
  int peak_prefill = 0, peak_decode = 0, peak_gpus = 0;
  bool over_budget = false;
  EXPECT_TRUE(within(
      150,
      [&] {
        const auto [p, d] = budget_pair();
        peak_prefill = std::max(peak_prefill, p);
        peak_decode = std::max(peak_decode, d);
        peak_gpus = std::max(peak_gpus, p + d);
        over_budget = over_budget || p + d > kGpuBudget;
        return p + d == kGpuBudget &&
               has_scale_up(event_messages(kPrefill, "ScaledByPlugin"), "prefill: predicted ") &&
               has_scale_up(event_messages(kDecode, "ScaledByPlugin"), "decode: predicted ");
      }))
      << "prefill peaked at " << peak_prefill << ", decode at " << peak_decode << "\n"
      << setup_->log();
  EXPECT_FALSE(over_budget);

  // Each change went through the adapter's /scale and is explained on it:
  // both services were scaled up for the predicted load.
  const auto prefill_events = event_messages(kPrefill, "ScaledByPlugin");
  const auto decode_events = event_messages(kDecode, "ScaledByPlugin");
  EXPECT_TRUE(has_scale_up(prefill_events, "prefill: predicted "))
      << ::testing::PrintToString(prefill_events);
  EXPECT_TRUE(
      contains(prefill_events, "-> " + std::to_string(peak_prefill) + ": prefill: predicted "))
      << ::testing::PrintToString(prefill_events);
  EXPECT_TRUE(contains(prefill_events, "engines at TTFT <= 500 ms"))
      << ::testing::PrintToString(prefill_events);
  EXPECT_TRUE(has_scale_up(decode_events, "decode: predicted "))
      << ::testing::PrintToString(decode_events);
  EXPECT_TRUE(contains(decode_events, "-> " + std::to_string(peak_decode) + ": decode: predicted "))
      << ::testing::PrintToString(decode_events);
  EXPECT_TRUE(contains(decode_events, "engines at ITL <= 50 ms"))
      << ::testing::PrintToString(decode_events);
  const std::string described = setup_->kubectl_ok({"describe", "dgdsa", kDecode, "-n", "default"});
  EXPECT_NE(described.find("ScaledByPlugin"), std::string::npos) << described;
  EXPECT_NE(described.find("planner: "), std::string::npos) << described;

  // The load drops back: both services go back to one engine each.
  EXPECT_TRUE(within(90,
                     [&] {
                       const auto [p, d] = budget_pair();
                       over_budget = over_budget || p + d > kGpuBudget;
                       return p == 1 && d == 1;
                     }))
      << "prefill " << adapter_replicas(kPrefill) << ", decode " << adapter_replicas(kDecode)
      << "\n"
      << setup_->log();
  EXPECT_FALSE(over_budget);
  EXPECT_TRUE(contains(event_messages(kDecode, "ScaledByPlugin"), "-> 1: decode: predicted "));

  // --no-operation: the planner recommended and wrote nothing.
  const auto recommended =
      event_messages(std::string(kNoOpDgd) + "-decode", "PlannerRecommendation");
  EXPECT_TRUE(contains(recommended, "planner (--no-operation, not applied): 2 -> 1: decode: "))
      << ::testing::PrintToString(recommended);
  EXPECT_EQ(adapter_replicas(std::string(kNoOpDgd) + "-prefill"), 2);
  EXPECT_EQ(adapter_replicas(std::string(kNoOpDgd) + "-decode"), 2);
  EXPECT_TRUE(event_messages(std::string(kNoOpDgd) + "-decode", "ScaledByPlugin").empty());
  json::value noop_dgd = get_json({"dgd", kNoOpDgd});
  EXPECT_NE(test::field_text(noop_dgd, {"status", "planner"}), "<missing>");
}

}  // namespace
}  // namespace dynop::e2e
