#pragma once
// The flags of what the local cluster runs for autoscaling, named after the
// components' own flags:
//   --horizontal-pod-autoscaler-sync-period=15s        (kube-controller-manager)
//   --horizontal-pod-autoscaler-downscale-stabilization=5m0s
//   --horizontal-pod-autoscaler-tolerance=0.1
//   --horizontal-pod-autoscaler-cpu-initialization-period=5m0s
//   --horizontal-pod-autoscaler-initial-readiness-delay=30s
//   --metric-resolution=15s                             (metrics-server)
//   --prometheus-adapter-config=FILE                    (prometheus-adapter: the
//       Helm values file or the adapter's config; empty: no adapter)
//   --prometheus-url=URL                                (overrides the file's)
//   --metrics-relist-interval=1m                        (prometheus-adapter)
//   --keda=true|false                                   (ScaledObjects; default true)
// Durations in Go's form ("15s", "1m30s", "500ms").

#include <boost/program_options/options_description.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "lib/apimachinery/result.hpp"

namespace dynop::localcluster::autoscaling {

struct AutoscalingFlags {
  std::chrono::milliseconds hpa_sync_period{std::chrono::seconds(15)};
  std::chrono::milliseconds downscale_stabilization{std::chrono::minutes(5)};
  double tolerance = 0.1;
  std::chrono::milliseconds cpu_initialization_period{std::chrono::minutes(5)};
  std::chrono::milliseconds initial_readiness_delay{std::chrono::seconds(30)};
  std::chrono::milliseconds metric_resolution{std::chrono::seconds(15)};
  std::string prometheus_adapter_config;
  std::string prometheus_url;
  std::chrono::milliseconds metrics_relist_interval{std::chrono::minutes(1)};
  bool keda = true;
};

// Errors name the flag: `--horizontal-pod-autoscaler-tolerance: invalid value "x"`.
apimachinery::Result<void> apply_flag(AutoscalingFlags& flags, std::string_view flag,
                                      std::string_view value);

// The flags for the local cluster's command line: each given one is applied
// to `flags` (which must outlive the parse) with apply_flag; a bad value
// fails the parse with apply_flag's message.
boost::program_options::options_description autoscaling_flags(AutoscalingFlags& flags);

}  // namespace dynop::localcluster::autoscaling
