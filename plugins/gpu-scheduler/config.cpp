#include "plugins/gpu-scheduler/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <stdexcept>

#include "lib/apimachinery/validation.hpp"

namespace dynop::plugins::gpu_scheduler {
namespace {

[[noreturn]] void fail(std::string_view key, std::string_view why) {
  throw std::invalid_argument(fmt::format("gpu-scheduler plugin: {}: {}", key, why));
}

std::string scalar(const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar()) fail(key, "must be a string");
  return node.as<std::string>();
}

bool boolean(const YAML::Node& node, std::string_view key) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
    fail(key, "must be true or false");
  return value;
}

}  // namespace

bool parse_scoring(std::string_view text, Scoring& out) {
  if (text == "binpack") {
    out = Scoring::kBinpack;
    return true;
  }
  if (text == "spread") {
    out = Scoring::kSpread;
    return true;
  }
  return false;
}

GpuSchedulerConfig parse_gpu_scheduler_config(std::string_view yaml) {
  GpuSchedulerConfig config;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument(
        fmt::format("gpu-scheduler plugin: configuration is not YAML: {}", e.what()));
  }
  if (!root || root.IsNull()) return config;
  if (!root.IsMap())
    throw std::invalid_argument("gpu-scheduler plugin: configuration must be a mapping");
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& value = kv.second;
    if (key == "scheduler_name") {
      config.scheduler_name = scalar(value, key);
      // A schedulerName is a DNS-1123 subdomain (ValidatePodSpec).
      if (auto errors = apimachinery::is_dns1123_subdomain(config.scheduler_name); !errors.empty())
        fail(key, fmt::format("\"{}\" is not a valid scheduler name: {}", config.scheduler_name,
                              errors.front()));
    } else if (key == "scoring") {
      const std::string text = scalar(value, key);
      if (!parse_scoring(text, config.scoring))
        fail(key, fmt::format("must be \"binpack\" or \"spread\", not \"{}\"", text));
    } else if (key == "prefer_graph_gpu_product") {
      config.prefer_graph_gpu_product = boolean(value, key);
    } else if (key == "reserve_pinned_gpu_products") {
      config.reserve_pinned_gpu_products = boolean(value, key);
    } else if (key == "nodes_to_score") {
      long long n = -1;
      if (!value.IsScalar() || !YAML::convert<long long>::decode(value, n) || n < 0 || n > 100000)
        fail(key, "must be an integer from 0 (every feasible node) to 100000");
      config.nodes_to_score = static_cast<uint32_t>(n);
    } else if (key == "gang_topology_keys") {
      if (!value.IsSequence()) fail(key, "must be a list of node label keys");
      config.gang_topology_keys.clear();
      for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string item_key = fmt::format("{}[{}]", key, i);
        const std::string label = scalar(value[i], item_key);
        if (auto errors = apimachinery::is_qualified_name(label); !errors.empty())
          fail(item_key, fmt::format("\"{}\" is not a valid label key: {}", label, errors.front()));
        config.gang_topology_keys.push_back(label);
      }
    } else if (key == "gang_topology") {
      const std::string text = scalar(value, key);
      if (text == "required") {
        config.gang_topology_required = true;
      } else if (text == "preferred") {
        config.gang_topology_required = false;
      } else {
        fail(key, fmt::format("must be \"required\" or \"preferred\", not \"{}\"", text));
      }
    } else {
      throw std::invalid_argument(fmt::format(
          "gpu-scheduler plugin: unknown configuration key \"{}\" (known: scheduler_name, "
          "scoring, prefer_graph_gpu_product, reserve_pinned_gpu_products, nodes_to_score, "
          "gang_topology_keys, gang_topology)",
          key));
    }
  }
  return config;
}

}  // namespace dynop::plugins::gpu_scheduler
