// dynop-localcluster's autoscaling flags, named and defaulted as the
// components' own (kube-controller-manager, metrics-server,
// prometheus-adapter), with errors naming the flag.

#include "localcluster/autoscaling/autoscaling_flags.hpp"

#include <gtest/gtest.h>

#include "lib/cli/command_line.hpp"

namespace dynop::localcluster::autoscaling {
namespace {

using namespace std::chrono_literals;

TEST(AutoscalingFlags, DefaultsAreTheComponentsDefaults) {
  AutoscalingFlags flags;
  EXPECT_EQ(flags.hpa_sync_period, 15s);
  EXPECT_EQ(flags.downscale_stabilization, 5min);
  EXPECT_EQ(flags.tolerance, 0.1);
  EXPECT_EQ(flags.cpu_initialization_period, 5min);
  EXPECT_EQ(flags.initial_readiness_delay, 30s);
  EXPECT_EQ(flags.metric_resolution, 15s);
  EXPECT_EQ(flags.metrics_relist_interval, 1min);
  EXPECT_TRUE(flags.keda);
}

TEST(AutoscalingFlags, GoDurationsNumbersAndUrls) {
  AutoscalingFlags flags;
  ASSERT_TRUE(apply_flag(flags, "--horizontal-pod-autoscaler-sync-period", "2s").ok());
  EXPECT_EQ(flags.hpa_sync_period, 2s);
  ASSERT_TRUE(
      apply_flag(flags, "--horizontal-pod-autoscaler-downscale-stabilization", "1m30s").ok());
  EXPECT_EQ(flags.downscale_stabilization, 90s);
  ASSERT_TRUE(apply_flag(flags, "--horizontal-pod-autoscaler-tolerance", "0.25").ok());
  EXPECT_EQ(flags.tolerance, 0.25);
  ASSERT_TRUE(apply_flag(flags, "--metric-resolution", "500ms").ok());
  EXPECT_EQ(flags.metric_resolution, 500ms);
  ASSERT_TRUE(apply_flag(flags, "--prometheus-url", "http://127.0.0.1:9090").ok());
  EXPECT_EQ(flags.prometheus_url, "http://127.0.0.1:9090");
  ASSERT_TRUE(apply_flag(flags, "--keda", "false").ok());
  EXPECT_FALSE(flags.keda);
}

TEST(AutoscalingFlags, BadValuesNameTheFlag) {
  AutoscalingFlags flags;
  auto e = apply_flag(flags, "--horizontal-pod-autoscaler-sync-period", "15");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error(),
            "--horizontal-pod-autoscaler-sync-period: invalid value \"15\" (expected a positive "
            "duration such as 15s)");
  EXPECT_EQ(apply_flag(flags, "--metric-resolution", "0s").error(),
            "--metric-resolution: invalid value \"0s\" (expected a positive duration such as 15s)");
  EXPECT_EQ(apply_flag(flags, "--horizontal-pod-autoscaler-tolerance", "-1").error(),
            "--horizontal-pod-autoscaler-tolerance: invalid value \"-1\" (expected a non-negative "
            "number such as 0.1)");
  EXPECT_EQ(apply_flag(flags, "--prometheus-url", "prometheus:9090").error(),
            "--prometheus-url: invalid value \"prometheus:9090\" (expected an http:// or https:// "
            "URL)");
  EXPECT_EQ(apply_flag(flags, "--keda", "yes").error(),
            "--keda: invalid value \"yes\" (expected true or false)");
  EXPECT_EQ(flags.hpa_sync_period, 15s);  // nothing applied
}

TEST(AutoscalingFlags, OnTheCommandLine) {
  AutoscalingFlags flags;
  auto description = autoscaling_flags(flags);
  boost::program_options::variables_map values;
  std::string error;
  ASSERT_TRUE(cli::parse({"--horizontal-pod-autoscaler-sync-period", "1s", "--keda=false"},
                         description, "dynop-localcluster", values, error))
      << error;
  EXPECT_EQ(flags.hpa_sync_period, 1s);
  EXPECT_FALSE(flags.keda);
  EXPECT_FALSE(
      cli::parse({"--metric-resolution", "x"}, description, "dynop-localcluster", values, error));
  EXPECT_EQ(error,
            "--metric-resolution: invalid value \"x\" (expected a positive duration such as "
            "15s)");
}

}  // namespace
}  // namespace dynop::localcluster::autoscaling
