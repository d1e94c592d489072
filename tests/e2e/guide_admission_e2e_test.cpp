// The guide's replica ownership model as a user meets it after `make run`
// (packaging/run-local.sh, which registers dynop's validating webhooks and
// runs the host as the operator's service account), driven with the real
// kubectl: the direct DGD edit the guide marks as blocked is refused with the
// guide's message, `kubectl scale dgdsa` goes through (the dgdsa plugin's own
// DGD write is admitted), planner service accounts may edit replicas while
// look-alike names may not, and the deprecated `autoscaling` field draws
// kubectl's Warning line. Messages are the contract's (dynamo-api.md,
// "Admission"); kubectl prefixes a denial with "Error from server ...".

#include <gtest/gtest.h>

#include <fstream>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_local_setup.hpp"

namespace dynop::e2e {
namespace {

constexpr int kConvergeSeconds = 60;
const char kDecodeSelector[] =
    "nvidia.com/dynamo-graph-deployment-name=sglang-agg,nvidia.com/dynamo-component=decode";
// The name packaging/webhook/webhook.yaml gives the DGD webhook.
const char kDgdWebhook[] = "validate.dynamographdeployments.nvidia.com";

// The guide's blocked command, with `replicas` as given.
std::vector<std::string> patch_decode_replicas(int replicas) {
  return {"patch",
          "dgd",
          "sglang-agg",
          "--type=merge",
          "-p",
          R"({"spec":{"services":{"decode":{"replicas":)" + std::to_string(replicas) + "}}}}"};
}

// The guide's error, with the adapter and the requested replicas filled in.
std::string guide_denial(int replicas) {
  return "spec.services[decode].replicas cannot be modified directly when scaling adapter is "
         "enabled; use 'kubectl scale dgdsa/sglang-agg-decode --replicas=" +
         std::to_string(replicas) + "' or update the DynamoGraphDeploymentScalingAdapter instead";
}

// What kubectl prints for a webhook denial: "Error from server[ (Reason)]:
// admission webhook "<name>" denied the request: <message>".
::testing::AssertionResult is_denial(const test::RunResult& r, const std::string& message) {
  const std::string tail = std::string("admission webhook \"") + kDgdWebhook +
                           "\" denied the request: " + message + "\n";
  if (r.exit_code != 1) {
    return ::testing::AssertionFailure()
           << "exit code " << (r.exit_code ? std::to_string(*r.exit_code) : "none")
           << ", stdout: " << r.out << ", stderr: " << r.err;
  }
  if (!r.err.starts_with("Error from server") || !r.err.ends_with(tail) ||
      r.err.find('\n') != r.err.size() - 1) {
    return ::testing::AssertionFailure()
           << "stderr is not one denial line ending in \"" << tail << "\": " << r.err;
  }
  return ::testing::AssertionSuccess();
}

class GuideAdmission : public test::RunLocalTest {
 protected:
  std::string ok(const std::vector<std::string>& args) { return setup_->kubectl_ok(args); }

  std::string decode_replicas() {
    auto r = setup_->kubectl(
        {"get", "dgd", "sglang-agg", "-o", "jsonpath={.spec.services.decode.replicas}"});
    return r.exit_code == 0 ? r.out : "<kubectl failed: " + r.err + ">";
  }

  std::size_t decode_pods() {
    auto r = setup_->kubectl({"get", "pods", "-l", kDecodeSelector, "-o", "name"});
    return r.exit_code == 0 ? test::table_rows(r.out).size() : 0;
  }

  // The example is applied and its decode adapter exists: the webhook now
  // judges decode's replicas by that adapter.
  void wait_for_example() {
    ASSERT_TRUE(test::eventually(
        [&] {
          return setup_->kubectl({"get", "dgdsa", "sglang-agg-decode"}).exit_code == 0;
        },
        kConvergeSeconds))
        << setup_->log();
    ASSERT_EQ(decode_replicas(), "1");
  }
};

TEST_F(GuideAdmission, DirectReplicaEditIsBlockedAndScalingTheAdapterWorks) {
  ASSERT_NO_FATAL_FAILURE(wait_for_example());

  // ❌ Blocked - direct DGD edit rejected by webhook
  EXPECT_TRUE(is_denial(setup_->kubectl(patch_decode_replicas(3)), guide_denial(3)));
  EXPECT_EQ(decode_replicas(), "1");

  // ✅ Correct - scale via DGDSA: the dgdsa plugin writes the DGD as the
  // operator's service account, and the webhook admits it.
  EXPECT_EQ(ok({"scale", "dgdsa", "sglang-agg-decode", "--replicas=3"}),
            "dynamographdeploymentscalingadapter.nvidia.com/sglang-agg-decode scaled\n");
  EXPECT_TRUE(test::eventually([&] { return decode_replicas() == "3"; }, kConvergeSeconds))
      << decode_replicas() << "\n"
      << setup_->log();
  EXPECT_TRUE(test::eventually([&] { return decode_pods() == 3; }, kConvergeSeconds))
      << ok({"get", "pods", "--show-labels"});

  // Still blocked afterwards, naming what was asked for.
  EXPECT_TRUE(is_denial(setup_->kubectl(patch_decode_replicas(5)), guide_denial(5)));
  EXPECT_EQ(decode_replicas(), "3");
}

TEST_F(GuideAdmission, PlannerServiceAccountsMayEditReplicasLookAlikesMayNot) {
  ASSERT_NO_FATAL_FAILURE(wait_for_example());

  auto as = [](const std::string& account, std::vector<std::string> args) {
    args.push_back("--as=system:serviceaccount:default:" + account);
    return args;
  };
  // The planner's identity (any namespace, name planner-serviceaccount) is authorized.
  EXPECT_EQ(ok(as("planner-serviceaccount", patch_decode_replicas(2))),
            "dynamographdeployment.nvidia.com/sglang-agg patched\n");
  // A name that merely ends like it is not (upstream matched suffixes).
  EXPECT_TRUE(
      is_denial(setup_->kubectl(as("evil-planner-serviceaccount", patch_decode_replicas(4))),
                guide_denial(4)));
  // Nor is the operator's name in another namespace.
  EXPECT_TRUE(is_denial(setup_->kubectl(as("dynop", patch_decode_replicas(4))), guide_denial(4)));
  EXPECT_NE(decode_replicas(), "4");
}

TEST_F(GuideAdmission, AutoscalingFieldIsAdmittedWithTheDeprecationWarning) {
  const auto file = setup_->dir() / "legacy-autoscaling.yaml";
  std::ofstream(file) << R"(apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata:
  name: legacy-autoscaling
  namespace: default
spec:
  services:
    decode:
      dynamoNamespace: legacy-autoscaling
      componentType: worker
      replicas: 1
      autoscaling:
        enabled: true
        minReplicas: 1
        maxReplicas: 4
)";
  auto r = setup_->kubectl({"apply", "-f", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "dynamographdeployment.nvidia.com/legacy-autoscaling created\n");
  EXPECT_EQ(r.err,
            "Warning: spec.services[decode].autoscaling is deprecated and ignored. Use "
            "DynamoGraphDeploymentScalingAdapter with HPA, KEDA, or Planner for autoscaling "
            "instead\n");
}

}  // namespace
}  // namespace dynop::e2e
