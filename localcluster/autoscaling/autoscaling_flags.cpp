#include "localcluster/autoscaling/autoscaling_flags.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "lib/apimachinery/time.hpp"

namespace dynop::localcluster::autoscaling {

namespace {

apimachinery::Error invalid(std::string_view flag, std::string_view value, std::string_view want) {
  return apimachinery::Error{std::string(flag) + ": invalid value \"" + std::string(value) +
                             "\" (expected " + std::string(want) + ")"};
}

apimachinery::Result<void> duration(std::chrono::milliseconds& out, std::string_view flag,
                                    std::string_view value, bool positive) {
  auto parsed = apimachinery::parse_go_duration(value);
  if (!parsed || parsed->count() < 0 || (positive && parsed->count() == 0)) {
    return invalid(flag, value,
                   positive ? "a positive duration such as 15s" : "a duration such as 5m");
  }
  out = std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
  return {};
}

}  // namespace

apimachinery::Result<void> apply_flag(AutoscalingFlags& flags, std::string_view flag,
                                      std::string_view value) {
  if (flag == "--horizontal-pod-autoscaler-sync-period") {
    return duration(flags.hpa_sync_period, flag, value, true);
  }
  if (flag == "--horizontal-pod-autoscaler-downscale-stabilization") {
    return duration(flags.downscale_stabilization, flag, value, false);
  }
  if (flag == "--horizontal-pod-autoscaler-cpu-initialization-period") {
    return duration(flags.cpu_initialization_period, flag, value, false);
  }
  if (flag == "--horizontal-pod-autoscaler-initial-readiness-delay") {
    return duration(flags.initial_readiness_delay, flag, value, false);
  }
  if (flag == "--metric-resolution") return duration(flags.metric_resolution, flag, value, true);
  if (flag == "--metrics-relist-interval") {
    return duration(flags.metrics_relist_interval, flag, value, true);
  }
  if (flag == "--horizontal-pod-autoscaler-tolerance") {
    double parsed = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(parsed) ||
        parsed < 0) {
      return invalid(flag, value, "a non-negative number such as 0.1");
    }
    flags.tolerance = parsed;
    return {};
  }
  if (flag == "--prometheus-adapter-config") {
    flags.prometheus_adapter_config = std::string(value);
    return {};
  }
  if (flag == "--prometheus-url") {
    if (!value.starts_with("http://") && !value.starts_with("https://")) {
      return invalid(flag, value, "an http:// or https:// URL");
    }
    flags.prometheus_url = std::string(value);
    return {};
  }
  if (flag == "--keda") {
    if (value != "true" && value != "false") return invalid(flag, value, "true or false");
    flags.keda = value == "true";
    return {};
  }
  return apimachinery::Error{"unknown flag " + std::string(flag)};
}

boost::program_options::options_description autoscaling_flags(AutoscalingFlags& flags) {
  namespace po = boost::program_options;
  po::options_description out(
      "Autoscaling (kube-controller-manager's HPA controller, metrics-server, prometheus-adapter, "
      "KEDA)",
      100, 50);
  auto flag = [&out, &flags](const char* name, const char* value_name, const char* help) {
    out.add_options()(name,
                      po::value<std::string>()
                          ->value_name(value_name)
                          ->notifier([&flags, name](const std::string& value) {
                            auto applied = apply_flag(flags, std::string("--") + name, value);
                            if (!applied) throw std::invalid_argument(applied.error());
                          }),
                      help);
  };
  flag("horizontal-pod-autoscaler-sync-period", "D", "HPA sync period (default 15s)");
  flag("horizontal-pod-autoscaler-downscale-stabilization", "D",
       "scale-down stabilization of HPAs without behavior (default 5m0s)");
  flag("horizontal-pod-autoscaler-tolerance", "F", "ratio tolerance (default 0.1)");
  flag("horizontal-pod-autoscaler-cpu-initialization-period", "D",
       "CPU samples of starting pods skipped (default 5m0s)");
  flag("horizontal-pod-autoscaler-initial-readiness-delay", "D",
       "readiness changes of starting pods ignored (default 30s)");
  flag("metric-resolution", "D", "metrics-server's kubelet scrape period (default 15s)");
  flag("prometheus-adapter-config", "FILE",
       "prometheus-adapter's Helm values or config (rules.external); none: no adapter");
  flag("prometheus-url", "URL", "the adapter's Prometheus (default: the file's)");
  flag("metrics-relist-interval", "D", "prometheus-adapter's series discovery period (default 1m)");
  flag("keda", "BOOL", "serve and act on keda.sh ScaledObjects (default true)");
  return out;
}

}  // namespace dynop::localcluster::autoscaling
