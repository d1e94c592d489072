// A reconciler that returns errors, throws, or fails terminally, in a real
// dynop host: the host retries with backoff (visible in /metrics and its
// log, with the key), never crashes, and does not retry terminal errors.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/runtime/mirror_scenario.hpp"

namespace dynop {
namespace {

constexpr int kSources = 5;
constexpr int kFirstFailures = 3;

class ReconcileErrors : public test::MirrorScenario {
 protected:
  // Sources created and updated once with the plugin configured by `config`.
  void run_with(const std::string& config) {
    start_cluster();
    if (HasFatalFailure()) return;
    start_host(config);
    if (HasFatalFailure()) return;
    create_sources(kSources);
    update_sources(1);
  }
};

TEST_F(ReconcileErrors, ReturnedErrorsAreRetriedUntilTheCopiesConverge) {
  run_with("failFirst: " + std::to_string(kFirstFailures));
  if (HasFatalFailure()) return;
  expect_copies_converge();
  expect_host_healthy();
  EXPECT_GE(reconciles("error"), kSources * kFirstFailures) << context();
  EXPECT_GE(host().metric("workqueue_retries_total", {"name=\"mirror\""}).value_or(0),
            kSources * kFirstFailures);
  EXPECT_NE(host().log().find("plugin mirror: reconcile default/src-0 failed: "
                              "mirror: injected failure for default/src-0 (attempt 1)"),
            std::string::npos)
      << host().log();
}

TEST_F(ReconcileErrors, ExceptionsAreRetriedAndNeverCrashTheHost) {
  run_with("throwFirst: " + std::to_string(kFirstFailures));
  if (HasFatalFailure()) return;
  expect_copies_converge();
  expect_host_healthy();
  EXPECT_GE(reconciles("error"), kSources * kFirstFailures) << context();
  EXPECT_NE(host().log().find("plugin mirror: reconcile default/src-0 failed: reconcile threw: "
                              "mirror: injected exception for default/src-0 (attempt 1)"),
            std::string::npos)
      << host().log();
}

TEST_F(ReconcileErrors, TerminalErrorsAreNotRetried) {
  run_with("terminalFor: [src-stuck]");
  if (HasFatalFailure()) return;
  create_source("src-stuck", /*expect_copy=*/false);
  // The others are created, updated and mirrored after src-stuck's one
  // reconcile, so a retry would have run by then.
  update_sources(1);
  expect_copies_converge();
  expect_host_healthy();
  EXPECT_EQ(host().metric("mirror_reconciles_total", {"configmap=\"default/src-stuck\""}), 1.0)
      << context();
  EXPECT_EQ(cluster().get("/api/v1/namespaces/default/configmaps/src-stuck-mirror").status, 404u);
  EXPECT_GE(reconciles("terminal_error"), 1);
  EXPECT_NE(host().log().find("plugin mirror: reconcile default/src-stuck failed (terminal): "
                              "mirror: default/src-stuck is configured as terminal"),
            std::string::npos)
      << host().log();
}

}  // namespace
}  // namespace dynop
