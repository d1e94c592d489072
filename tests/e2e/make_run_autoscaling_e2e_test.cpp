// `make run`'s closing message lists the guide's autoscaling commands to try.
// This test runs each printed command, word for word, with the real kubectl
// against `make run`'s own setup (packaging/run-local.sh: the cluster with its
// HPA controller, prometheus-adapter and KEDA, the host, the webhook and a
// real Prometheus), and asserts what a user would see: exit codes, the HPAs
// and ScaledObject each step makes, KEDA reading the run's Prometheus through
// the copied ScaledObject, and the DGD patch refused with the guide's message.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "lib/files/read_file.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_local_setup.hpp"

namespace dynop::e2e {
namespace {

using test::field_text;

constexpr const char* kGuidePrometheus =
    "http://prometheus-kube-prometheus-prometheus.monitoring.svc:9090";

// A printed command line's words: spaces separate them, single quotes keep
// theirs (the message quotes only the patch's JSON).
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::string word;
  bool quoted = false, any = false;
  for (char c : line) {
    if (c == '\'') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) out.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) out.push_back(word);
  return out;
}

std::string joined(const std::vector<std::string>& args) {
  std::string out = "kubectl";
  for (const auto& a : args) out += " " + a;
  return out;
}

class MakeRunAutoscaling : public test::RunLocalTest {
 protected:
  // The commands printed after "Then the guide's autoscaling", without
  // "kubectl"; paths under examples/ are the checkout's (make run's folder).
  std::vector<std::vector<std::string>> printed_autoscaling_commands() {
    const std::string printed = setup_->printed();
    const auto from = printed.find("Then the guide's autoscaling");
    if (from == std::string::npos) return {};
    std::vector<std::vector<std::string>> commands;
    std::istringstream lines(printed.substr(from));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) break;  // the block ends at a blank line
      if (!line.starts_with("  kubectl ")) continue;
      auto args = words(line);
      args.erase(args.begin());
      for (auto& arg : args) {
        if (arg.starts_with("examples/")) arg = test::source_path(arg);
      }
      commands.push_back(std::move(args));
    }
    return commands;
  }
};

TEST_F(MakeRunAutoscaling, EveryPrintedAutoscalingCommandDoesWhatTheGuideSays) {
  const auto commands = printed_autoscaling_commands();
  ASSERT_EQ(commands.size(), 12u) << setup_->printed();
  for (const auto& args : commands) {
    SCOPED_TRACE(joined(args));
    auto r = setup_->kubectl(args);
    if (args[0] == "patch") {
      EXPECT_NE(r.exit_code, 0) << r.out;
      EXPECT_NE(r.err.find("spec.services[decode].replicas cannot be modified directly when "
                           "scaling adapter is enabled; use 'kubectl scale "
                           "dgdsa/sglang-agg-decode --replicas=3' or update the "
                           "DynamoGraphDeploymentScalingAdapter instead"),
                std::string::npos)
          << r.err;
      continue;
    }
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const bool applies = args[0] == "apply";
    const std::string file = applies ? args.at(2) : "";
    if (applies && file.ends_with("sglang-agg-decode-hpa.yaml")) {
      EXPECT_EQ(r.out, "horizontalpodautoscaler.autoscaling/sglang-agg-decode-hpa created\n");
    }
    if (applies && file.ends_with("sglang-agg-decode-scaler.yaml")) {
      // The copy is the guide's example with only serverAddress changed, to
      // the Prometheus make run started.
      auto copy = files::read_file(file, "copy");
      auto original = files::read_file(
          test::source_path("examples/autoscaling/sglang-agg-decode-scaler.yaml"), "example");
      ASSERT_TRUE(copy.ok() && original.ok());
      auto so = setup_->kubectl_ok({"get", "so", "sglang-agg-decode-scaler", "-n", "default", "-o",
                                    "jsonpath={.spec.triggers[0].metadata.serverAddress}"});
      EXPECT_TRUE(so.starts_with("http://127.0.0.1:")) << so;
      std::string expected = *original;
      expected.replace(expected.find(kGuidePrometheus), std::string(kGuidePrometheus).size(), so);
      EXPECT_EQ(*copy, expected);
      // KEDA queries it: Ready, and its HPA on the adapter, as the guide shows.
      EXPECT_TRUE(test::eventually(
          [&] {
            auto rows = test::table_rows(setup_->kubectl({"get", "hpa", "-n", "default"}).out);
            return rows.size() == 2 && rows[1][0] == "keda-hpa-sglang-agg-decode-scaler" &&
                   rows[1][1] == "DynamoGraphDeploymentScalingAdapter/sglang-agg-decode";
          },
          60))
          << setup_->kubectl({"get", "hpa", "-n", "default"}).out;
      EXPECT_TRUE(test::eventually(
          [&] {
            auto rows =
                test::table_rows(setup_->kubectl({"get", "scaledobject", "-n", "default"}).out);
            return rows.size() == 2 && rows[1].size() > 5 && rows[1][5] == "True";
          },
          60))
          << setup_
                 ->kubectl(
                     {"describe", "scaledobject", "sglang-agg-decode-scaler", "-n", "default"})
                 .out;
    }
    if (args[0] == "get" && args[1] == "hpa") {
      auto rows = test::table_rows(r.out);
      ASSERT_GE(rows.size(), 2u) << r.out;
      EXPECT_EQ(rows[0], (std::vector<std::string>{"NAME", "REFERENCE", "TARGETS", "MINPODS",
                                                   "MAXPODS", "REPLICAS", "AGE"}));
      EXPECT_EQ(rows[1][1], "DynamoGraphDeploymentScalingAdapter/sglang-agg-decode");
    }
  }
  // Both deleted again: no autoscaler is left on the adapter.
  EXPECT_TRUE(test::eventually(
      [&] {
        return setup_->kubectl_ok({"get", "hpa", "-n", "default", "-o", "name"}).empty();
      },
      30));
}

}  // namespace
}  // namespace dynop::e2e
