// The autoscaling guide's manual-scaling section, run word for word with the
// real kubectl (only --kubeconfig added) against `make run`'s own setup
// (packaging/run-local.sh), which has applied the guide's sglang-agg example.
// What is asserted is what the guide shows a user: tables, exit codes, the
// DGD's replicas and the pods that exist.
//
// The guide's blocked `kubectl patch dgd ... decode replicas` step needs the
// validating webhook; it is covered by the admission e2e test.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <set>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/file_text.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_local_setup.hpp"

namespace dynop::e2e {
namespace {

namespace json = boost::json;
using Rows = std::vector<std::vector<std::string>>;

constexpr int kConvergeSeconds = 60;
const char kDecodeSelector[] =
    "nvidia.com/dynamo-graph-deployment-name=sglang-agg,nvidia.com/dynamo-component=decode";
const char kFrontendSelector[] =
    "nvidia.com/dynamo-graph-deployment-name=sglang-agg,nvidia.com/dynamo-component=Frontend";

class GuideManualScaling : public test::RunLocalTest {
 protected:
  std::string ok(const std::vector<std::string>& args) { return setup_->kubectl_ok(args); }

  // `kubectl get pods -l SELECTOR -o name`, one pod name per entry.
  std::set<std::string> pods(const std::string& selector) {
    auto r = setup_->kubectl({"get", "pods", "-l", selector, "-o", "name"});
    std::set<std::string> names;
    if (r.exit_code != 0) return {"<kubectl failed: " + r.err + ">"};
    for (const auto& row : test::table_rows(r.out)) names.insert(row.at(0));
    return names;
  }

  bool eventually_pods(const std::string& selector, std::size_t count) {
    return test::eventually([&] { return pods(selector).size() == count; }, kConvergeSeconds);
  }

  std::string jsonpath(const std::vector<std::string>& get_args, const std::string& path) {
    std::vector<std::string> args = {"get"};
    args.insert(args.end(), get_args.begin(), get_args.end());
    args.insert(args.end(), {"-o", "jsonpath=" + path});
    auto r = setup_->kubectl(args);
    return r.exit_code == 0 ? r.out : "<kubectl failed: " + r.err + ">";
  }

  std::string decode_replicas() {
    return jsonpath({"dgd", "sglang-agg"}, "{.spec.services.decode.replicas}");
  }

  // `kubectl scale dgdsa sglang-agg-decode <extra> --replicas=N`, then what a
  // user sees: the DGD's decode replicas, N decode pods (by the adapter's
  // selector) and REPLICAS N in `kubectl get dgdsa sglang-agg-decode`.
  void scale_decode(const std::vector<std::string>& extra, int replicas) {
    const std::string n = std::to_string(replicas);
    std::vector<std::string> args = {"scale", "dgdsa", "sglang-agg-decode"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("--replicas=" + n);
    EXPECT_EQ(ok(args),
              "dynamographdeploymentscalingadapter.nvidia.com/sglang-agg-decode scaled\n");
    EXPECT_TRUE(test::eventually([&] { return decode_replicas() == n; }, kConvergeSeconds))
        << decode_replicas();
    // kubectl get pods -l <the adapter's status.selector>
    std::string selector;
    EXPECT_TRUE(test::eventually(
        [&] {
          selector = jsonpath({"dgdsa", "sglang-agg-decode"}, "{.status.selector}");
          return selector == kDecodeSelector;
        },
        kConvergeSeconds))
        << selector;
    EXPECT_TRUE(eventually_pods(selector, static_cast<std::size_t>(replicas)))
        << ok({"get", "pods", "--show-labels"});
    EXPECT_TRUE(test::eventually([&] { return adapter_replicas_column("sglang-agg-decode") == n; },
                                 kConvergeSeconds))
        << ok({"get", "dgdsa", "sglang-agg-decode"});
  }

  // The REPLICAS cell of `kubectl get dgdsa NAME`.
  std::string adapter_replicas_column(const std::string& name) {
    Rows rows = test::table_rows(ok({"get", "dgdsa", name}));
    if (rows.size() != 2 || rows[0].size() < 4 || rows[0][3] != "REPLICAS") return "<no table>";
    // An unset status.replicas leaves the cell empty, and the row one cell short.
    return rows[1].size() == rows[0].size() ? rows[1][3] : "<empty>";
  }
};

TEST_F(GuideManualScaling, ViewingScalingAdapters) {
  // kubectl get dgdsa -n default: the header, then a row per adapter. REPLICAS
  // is the pods the service has, so it reads 1 once the pod exists.
  const std::set<std::vector<std::string>> want = {
      {"sglang-agg-frontend", "sglang-agg", "Frontend", "1"},
      {"sglang-agg-decode", "sglang-agg", "decode", "1"}};
  Rows rows;
  std::set<std::vector<std::string>> adapters;
  EXPECT_TRUE(test::eventually(
      [&] {
        rows = test::table_rows(ok({"get", "dgdsa", "-n", "default"}));
        adapters.clear();
        for (std::size_t i = 1; i < rows.size(); ++i) {
          if (rows[i].size() == 5)
            adapters.insert({rows[i].begin(), rows[i].end() - 1});  // AGE varies
        }
        return rows.size() == 3 && adapters == want;
      },
      kConvergeSeconds))
      << ok({"get", "dgdsa", "-n", "default"});
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"NAME", "DGD", "SERVICE", "REPLICAS", "AGE"}));
  EXPECT_EQ(adapters, want);
  // The adapter's selector picks exactly its service's pod.
  EXPECT_EQ(jsonpath({"dgdsa", "sglang-agg-decode", "-n", "default"}, "{.status.selector}"),
            kDecodeSelector);
  EXPECT_TRUE(eventually_pods(kDecodeSelector, 1)) << ok({"get", "pods", "--show-labels"});
}

TEST_F(GuideManualScaling, ScaleThroughTheAdapterToThreeZeroAndBack) {
  ASSERT_TRUE(eventually_pods(kDecodeSelector, 1)) << ok({"get", "pods"});

  // As the guide writes it: no -n, the kubeconfig's context namespace is default.
  scale_decode({}, 3);
  for (const auto& pod : pods(kDecodeSelector)) {
    EXPECT_EQ(pod.rfind("pod/sglang-agg-decode-", 0), 0u) << pod;
  }
  // Scaling decode leaves the frontend alone.
  EXPECT_EQ(pods(kFrontendSelector).size(), 1u);
  // `kubectl describe` shows the adapter's Scaled event.
  EXPECT_TRUE(test::eventually(
      [&] {
        return ok({"describe", "dgdsa", "sglang-agg-decode"})
                   .find("Scaled service decode from 1 to 3 replicas") != std::string::npos;
      },
      kConvergeSeconds))
      << ok({"describe", "dgdsa", "sglang-agg-decode"});

  // The issue's form, with -n default: to zero removes the pods, keeps the adapter.
  scale_decode({"-n", "default"}, 0);
  // And back to one.
  scale_decode({"-n", "default"}, 1);

  // An adapter deleted while enabled comes back, seeded from the DGD's replicas.
  const std::string uid = jsonpath({"dgdsa", "sglang-agg-decode"}, "{.metadata.uid}");
  EXPECT_EQ(ok({"delete", "dgdsa", "sglang-agg-decode"}),
            "dynamographdeploymentscalingadapter.nvidia.com \"sglang-agg-decode\" deleted\n");
  EXPECT_TRUE(test::eventually(
      [&] {
        const std::string now = jsonpath({"dgdsa", "sglang-agg-decode"}, "{.metadata.uid}");
        return !now.empty() && now != uid && now.find("kubectl failed") == std::string::npos;
      },
      kConvergeSeconds));
  EXPECT_EQ(jsonpath({"dgdsa", "sglang-agg-decode"}, "{.spec.replicas}"), "1");
  EXPECT_EQ(decode_replicas(), "1");
}

// `make run` run again reuses the cluster: what the user scaled stays scaled
// (re-applying agg.yaml does not reset the replicas the adapter owns).
TEST_F(GuideManualScaling, RunningMakeRunAgainKeepsTheCluster) {
  scale_decode({}, 3);
  ASSERT_EQ(setup_->stop(), 0) << setup_->log();

  // The first setup keeps the data folder; the second runs on it.
  std::unique_ptr<test::RunLocalSetup> first = std::move(setup_);
  setup_ = std::make_unique<test::RunLocalSetup>(first->data_dir());
  ASSERT_TRUE(setup_->ready()) << setup_->log();
  EXPECT_EQ(decode_replicas(), "3");
  EXPECT_TRUE(eventually_pods(kDecodeSelector, 3)) << ok({"get", "pods"});
  EXPECT_TRUE(test::eventually([&] { return adapter_replicas_column("sglang-agg-decode") == "3"; },
                               kConvergeSeconds))
      << ok({"get", "dgdsa", "sglang-agg-decode"});
  EXPECT_EQ(pods(kFrontendSelector).size(), 1u);
  // Stopped here, while the first setup still holds the folder.
  EXPECT_EQ(setup_->stop(), 0) << setup_->log();
}

// The guide's agg.yaml with its "Disabling DGDSA for a Service" change on
// Frontend: `scalingAdapter: disable: true`, everything else as applied by
// make run (Frontend keeps 1 replica, so the later patch to 2 is visible).
std::string agg_with_frontend_adapter_disabled() {
  std::string yaml = test::file_text(test::source_path("examples/backends/sglang/deploy/agg.yaml"));
  const std::string frontend = "    Frontend:\n";
  auto at = yaml.find(frontend);
  if (at == std::string::npos) return {};
  yaml.insert(at + frontend.size(),
              "      scalingAdapter:\n        disable: true  # No DGDSA created, direct edits "
              "allowed\n");
  return yaml;
}

TEST_F(GuideManualScaling, DisablingTheAdapterAllowsDirectEditsAndDeleteCleansUp) {
  ASSERT_TRUE(eventually_pods(kFrontendSelector, 1)) << ok({"get", "pods"});
  ASSERT_TRUE(test::eventually(
      [&] {
        return setup_->kubectl({"get", "dgdsa", "sglang-agg-frontend"}).exit_code == 0;
      },
      kConvergeSeconds));

  const std::string modified = agg_with_frontend_adapter_disabled();
  ASSERT_FALSE(modified.empty());
  const auto file = setup_->dir() / "agg-frontend-no-adapter.yaml";
  std::ofstream(file) << modified;
  EXPECT_EQ(ok({"apply", "-f", file.string()}),
            "dynamographdeployment.nvidia.com/sglang-agg configured\n");
  // The Frontend adapter goes; decode keeps its own.
  EXPECT_TRUE(test::eventually(
      [&] {
        auto r = setup_->kubectl({"get", "dgdsa", "sglang-agg-frontend"});
        return r.exit_code == 1 &&
               r.err ==
                   "Error from server (NotFound): dynamographdeploymentscalingadapters.nvidia.com "
                   "\"sglang-agg-frontend\" not found\n";
      },
      kConvergeSeconds))
      << setup_->kubectl({"get", "dgdsa", "sglang-agg-frontend"}).err;
  Rows rows = test::table_rows(ok({"get", "dgdsa", "-n", "default"}));
  ASSERT_EQ(rows.size(), 2u) << ok({"get", "dgdsa", "-n", "default"});
  EXPECT_EQ(rows[1].at(0), "sglang-agg-decode");

  // Direct DGD edits of Frontend's replicas now work.
  EXPECT_EQ(ok({"patch", "dgd", "sglang-agg", "--type=merge", "-p",
                R"({"spec":{"services":{"Frontend":{"replicas":2}}}})"}),
            "dynamographdeployment.nvidia.com/sglang-agg patched\n");
  EXPECT_TRUE(eventually_pods(kFrontendSelector, 2)) << ok({"get", "pods", "--show-labels"});
  // No adapter came back to fight the edit.
  EXPECT_EQ(jsonpath({"dgd", "sglang-agg"}, "{.spec.services.Frontend.replicas}"), "2");
  EXPECT_EQ(setup_->kubectl({"get", "dgdsa", "sglang-agg-frontend"}).exit_code, 1);

  // Deleting the DGD removes its adapters and pods.
  EXPECT_EQ(ok({"delete", "dgd", "sglang-agg"}),
            "dynamographdeployment.nvidia.com \"sglang-agg\" deleted\n");
  EXPECT_TRUE(test::eventually(
      [&] {
        auto adapters = setup_->kubectl({"get", "dgdsa", "-n", "default", "-o", "name"});
        auto all_pods = setup_->kubectl({"get", "pods", "-n", "default", "-o", "name"});
        return adapters.exit_code == 0 && adapters.out.empty() && all_pods.exit_code == 0 &&
               all_pods.out.empty();
      },
      kConvergeSeconds))
      << ok({"get", "dgdsa,pods", "-n", "default"});
}

}  // namespace
}  // namespace dynop::e2e
