// file-scaler: an example custom autoscaler plugin. Every interval it reads a
// replica count from a file (written by any external system: a cron job, a
// forecasting model) and asks the host to scale one target to it, clamped to
// [min_replicas, max_replicas]. Configuration (the plugin's section of the
// host configuration):
//
//   file-scaler:
//     file: /var/lib/forecast/decode-replicas
//     target: {group: nvidia.com, version: v1alpha1,
//              kind: DynamoGraphDeploymentScalingAdapter,
//              namespace: default, name: my-graph-decode}
//     min_replicas: 1
//     max_replicas: 8
//     interval_seconds: 30

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <dynop/sdk/export.hpp>
#include <dynop/sdk/plugin.hpp>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

class FileScaler : public dynop::sdk::Plugin {
 public:
  static constexpr const char* kName = "file-scaler";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr const char* kDescription =
      "scales one target to a replica count read from a file";
  static constexpr dynop::sdk::Capabilities kCapabilities = dynop::sdk::kAutoscaler;

  // Bad configuration throws: the SDK reports it as an init failure with this
  // message, and the host names the plugin and the reason.
  FileScaler(dynop::sdk::Host& host, std::string_view config_yaml)
      : Plugin(host),
        desired_gauge_(metrics().gauge("file_scaler_desired_replicas",
                                       "Replicas last read from the file, after clamping.")) {
    YAML::Node config = YAML::Load(std::string(config_yaml));
    if (!config["file"] || !config["target"]) {
      throw std::invalid_argument("file-scaler needs `file` and `target` in its configuration");
    }
    file_ = config["file"].as<std::string>();
    const YAML::Node t = config["target"];
    target_.gvk.group = t["group"].as<std::string>("nvidia.com");
    target_.gvk.version = t["version"].as<std::string>("v1alpha1");
    target_.gvk.kind = t["kind"].as<std::string>("DynamoGraphDeploymentScalingAdapter");
    target_.ns = t["namespace"].as<std::string>("default");
    target_.name = t["name"].as<std::string>();
    min_ = config["min_replicas"].as<int32_t>(1);
    max_ = config["max_replicas"].as<int32_t>(std::max(min_, 1));
    interval_ = std::chrono::seconds(config["interval_seconds"].as<int>(30));
    if (min_ < 0 || max_ < min_) {
      throw std::invalid_argument("file-scaler needs 0 <= min_replicas <= max_replicas");
    }
    logger().info("scaling " + target_.ns + "/" + target_.name + " from " + file_);
  }

  dynop::sdk::AutoscalerSpec autoscaler_spec() { return {interval_}; }

  // Called by one host timer thread, never concurrently with itself.
  std::vector<dynop::sdk::ScaleDecision> evaluate() {
    std::ifstream in(file_);
    int64_t wanted = 0;
    if (!(in >> wanted)) {
      logger().warn("cannot read a replica count from " + file_ + "; leaving the target alone");
      return {};
    }
    const int32_t desired = static_cast<int32_t>(std::clamp<int64_t>(wanted, min_, max_));
    desired_gauge_.set(desired, {{"target", target_.name}});
    return {{target_, desired, "file " + file_ + " asks for " + std::to_string(wanted)}};
  }

 private:
  dynop::sdk::Gauge desired_gauge_;
  std::string file_;
  dynop::sdk::ObjectRef target_;
  int32_t min_ = 1;
  int32_t max_ = 1;
  std::chrono::milliseconds interval_{30000};
};

}  // namespace

DYNOP_PLUGIN(FileScaler)
