#include "sim/nodes/node_profile.hpp"

#include <limits>
#include <set>

#include "lib/apimachinery/validation.hpp"
#include "lib/files/read_file.hpp"
#include "lib/yaml/yaml_reader.hpp"

namespace dynop::sim {

using apimachinery::Error;
using apimachinery::Quantity;
using apimachinery::Result;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kMaxNodes = 100000;

StageDelay fixed(std::chrono::nanoseconds delay) { return StageDelay{delay, std::nullopt}; }
StageDelay between(std::chrono::nanoseconds delay, std::chrono::nanoseconds jitter) {
  return StageDelay{delay, jitter};
}

// The built-in start-up times, in simulated time. A model-loading worker takes
// longest; the frontend only waits for its HTTP server and the discovery of
// its workers; everything else (planner, router, ...) starts fast.
std::map<std::string, StartupTimes> builtin_startup() {
  StartupTimes base{between(1s, 2s), between(2s, 4s), fixed(1s)};
  StartupTimes frontend = base;
  frontend.ready = between(5s, 8s);
  StartupTimes worker = base;
  worker.ready = between(30s, 45s);
  worker.del = between(2s, 5s);  // finishes its requests in flight
  return {{"default", base},
          {"frontend", frontend},
          {"worker", worker},
          {"prefill", worker},
          {"decode", worker}};
}

class ProfileParser : public yaml::Reader {
 public:
  using yaml::Reader::Reader;

  Result<NodeProfile> profile(const YAML::Node& root) const {
    NodeProfile p = default_node_profile();
    if (root.IsNull()) return at(root, "the profile is empty: it needs at least one pool");
    if (auto ok = known_keys(root, "the profile",
                             {"instance", "topology", "network", "kubelet", "pools"});
        !ok) {
      return Error{ok.error()};
    }
    if (root["instance"]) {
      auto v = label_value(root["instance"], "instance");
      if (!v) return Error{v.error()};
      if (v->empty()) return at(root["instance"], "instance must not be empty");
      p.instance = *v;
    }
    if (const YAML::Node t = root["topology"]) {
      if (auto ok = known_keys(t, "topology", {"rack_label"}); !ok) return Error{ok.error()};
      if (t["rack_label"]) {
        auto v = label_key(t["rack_label"], "topology.rack_label");
        if (!v) return Error{v.error()};
        p.rack_label = *v;
      }
    }
    if (const YAML::Node k = root["kubelet"]) {
      auto ok = kubelet(k, p.kubelet);
      if (!ok) return Error{ok.error()};
    }
    const YAML::Node pools = root["pools"];
    if (!pools || !pools.IsSequence() || pools.size() == 0) {
      return at(pools ? pools : root, "pools must be a list of at least one node pool");
    }
    std::set<std::string> names;
    std::int64_t total = 0;
    for (std::size_t i = 0; i < pools.size(); ++i) {
      auto pool = this->pool(pools[i], "pools[" + std::to_string(i) + "]");
      if (!pool) return Error{pool.error()};
      if (!names.insert(pool->name).second) {
        return at(pools[i]["name"], "pools[" + std::to_string(i) + "].name: \"" + pool->name +
                                        "\" is used by another pool");
      }
      total += pool->count;
      if (total > kMaxNodes) {
        return at(pools[i]["count"],
                  "the pools hold more than " + std::to_string(kMaxNodes) + " nodes");
      }
      p.pools.push_back(std::move(*pool));
    }
    auto ok = network(root["network"], p);
    if (!ok) return Error{ok.error()};
    return p;
  }

 private:
  Result<std::string> label_value(const YAML::Node& node, const std::string& what) const {
    auto v = string(node, what);
    if (!v) return v;
    if (auto errors = apimachinery::is_valid_label_value(*v); !errors.empty()) {
      return at(node, what + ": \"" + *v + "\" is not a valid label value: " + errors.front());
    }
    return v;
  }

  Result<std::string> label_key(const YAML::Node& node, const std::string& what) const {
    auto v = string(node, what);
    if (!v) return v;
    if (auto errors = apimachinery::is_qualified_name(*v); !errors.empty()) {
      return at(node, what + ": \"" + *v + "\" is not a valid label key: " + errors.front());
    }
    return v;
  }

  Result<StageDelay> stage(const YAML::Node& node, const std::string& what,
                           StageDelay current) const {
    if (auto ok = known_keys(node, what, {"delay", "jitter_delay"}); !ok) {
      return Error{ok.error()};
    }
    StageDelay s = current;
    if (node["delay"]) {
      auto d = duration(node["delay"], what + ".delay");
      if (!d) return Error{d.error()};
      s.delay = *d;
      s.jitter_delay.reset();
    }
    if (node["jitter_delay"]) {
      auto d = duration(node["jitter_delay"], what + ".jitter_delay");
      if (!d) return Error{d.error()};
      s.jitter_delay = *d;
    }
    if (s.jitter_delay && *s.jitter_delay < s.delay) {
      return at(node, what + ".jitter_delay must not be shorter than " + what + ".delay");
    }
    return s;
  }

  Result<void> startup(const YAML::Node& node, KubeletSettings& k) const {
    if (!node.IsMap()) return at(node, "kubelet.startup must map component types to delays");
    // A type the file sets takes its unset stages from the file's `default`,
    // then from the built-in times: `default` applies to every type not listed.
    std::map<std::string, StartupTimes> builtin = builtin_startup();
    StartupTimes file_default = builtin.at("default");
    struct Given {
      bool create = false, ready = false, del = false;
    };
    std::map<std::string, std::pair<StartupTimes, Given>> listed;
    for (const auto& kv : node) {
      const std::string type = kv.first.Scalar();
      const std::string what = "kubelet.startup." + type;
      if (auto errors = apimachinery::is_valid_label_value(type); !errors.empty() || type.empty()) {
        return at(kv.first, what + ": not a component type");
      }
      if (auto ok = known_keys(kv.second, what, {"create", "ready", "delete"}); !ok) {
        return Error{ok.error()};
      }
      StartupTimes t = builtin.count(type) ? builtin.at(type) : builtin.at("default");
      Given given;
      for (auto [key, into, flag] : {std::tuple{"create", &t.create, &given.create},
                                     std::tuple{"ready", &t.ready, &given.ready},
                                     std::tuple{"delete", &t.del, &given.del}}) {
        if (!kv.second[key]) continue;
        auto s = stage(kv.second[key], what + "." + key, StageDelay{});
        if (!s) return Error{s.error()};
        *into = *s;
        *flag = true;
      }
      if (type == "default") file_default = t;
      listed[type] = {t, given};
    }
    k.startup = builtin;
    if (listed.count("default")) {
      // The file's default replaces every built-in time it sets.
      const Given& g = listed.at("default").second;
      for (auto& [type, times] : k.startup) {
        if (g.create) times.create = file_default.create;
        if (g.ready) times.ready = file_default.ready;
        if (g.del) times.del = file_default.del;
      }
    }
    for (auto& [type, entry] : listed) {
      StartupTimes t = k.startup.count(type) ? k.startup.at(type) : k.startup.at("default");
      if (entry.second.create) t.create = entry.first.create;
      if (entry.second.ready) t.ready = entry.first.ready;
      if (entry.second.del) t.del = entry.first.del;
      k.startup[type] = t;
    }
    return {};
  }

  Result<void> kubelet(const YAML::Node& node, KubeletSettings& k) const {
    if (auto ok = known_keys(
            node, "kubelet",
            {"version", "port", "lease_duration", "status_report_interval", "events", "startup"});
        !ok) {
      return Error{ok.error()};
    }
    if (node["version"]) {
      auto v = label_value(node["version"], "kubelet.version");
      if (!v) return Error{v.error()};
      if (v->empty()) return at(node["version"], "kubelet.version must not be empty");
      k.version = *v;
    }
    if (node["port"]) {
      auto v = integer(node["port"], "kubelet.port", 1, 65535);
      if (!v) return Error{v.error()};
      k.port = static_cast<int>(*v);
    }
    if (node["lease_duration"]) {
      auto v = duration(node["lease_duration"], "kubelet.lease_duration");
      if (!v) return Error{v.error()};
      if (*v < 4s) return at(node["lease_duration"], "kubelet.lease_duration must be at least 4s");
      k.lease_duration = *v;
    }
    if (node["status_report_interval"]) {
      auto v = duration(node["status_report_interval"], "kubelet.status_report_interval");
      if (!v) return Error{v.error()};
      if (*v < 1s) {
        return at(node["status_report_interval"],
                  "kubelet.status_report_interval must be at least 1s");
      }
      k.status_report_interval = *v;
    }
    if (node["events"]) {
      auto v = boolean(node["events"], "kubelet.events");
      if (!v) return Error{v.error()};
      k.events = *v;
    }
    if (node["startup"]) return startup(node["startup"], k);
    return {};
  }

  Result<void> taints(const YAML::Node& node, const std::string& what,
                      std::vector<Taint>& out) const {
    if (!node.IsSequence()) return at(node, what + " must be a list of {key, value, effect}");
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string w = what + "[" + std::to_string(i) + "]";
      const YAML::Node t = node[i];
      if (auto ok = known_keys(t, w, {"key", "value", "effect"}); !ok) return Error{ok.error()};
      if (!t["key"] || !t["effect"]) return at(t, w + " needs key and effect");
      Taint taint;
      auto key = label_key(t["key"], w + ".key");
      if (!key) return Error{key.error()};
      taint.key = *key;
      if (t["value"]) {
        auto value = label_value(t["value"], w + ".value");
        if (!value) return Error{value.error()};
        taint.value = *value;
      }
      auto effect = string(t["effect"], w + ".effect");
      if (!effect) return Error{effect.error()};
      if (*effect != "NoSchedule" && *effect != "PreferNoSchedule" && *effect != "NoExecute") {
        return at(t["effect"], w +
                                   ".effect must be NoSchedule, PreferNoSchedule or NoExecute, "
                                   "found \"" +
                                   *effect + "\"");
      }
      taint.effect = *effect;
      out.push_back(std::move(taint));
    }
    return {};
  }

  Result<NodePool> pool(const YAML::Node& node, const std::string& what) const {
    if (auto ok = known_keys(node, what,
                             {"name", "count", "gpus", "gpu_product", "gpu_memory", "cpu", "memory",
                              "ephemeral_storage", "pods", "reserved", "mig", "nodes_per_clique",
                              "nodes_per_rack", "taints", "labels"});
        !ok) {
      return Error{ok.error()};
    }
    NodePool p;
    p.memory = *Quantity::parse("512Gi");
    p.ephemeral_storage = *Quantity::parse("1Ti");
    if (!node["name"] || !node["count"]) return at(node, what + " needs name and count");
    auto name = string(node["name"], what + ".name");
    if (!name) return Error{name.error()};
    // Node names are "<pool>-<index>": the pool name leaves room for the index.
    if (auto errors = apimachinery::is_dns1123_label(*name); !errors.empty() || name->size() > 56) {
      return at(node["name"], what + ".name: \"" + *name +
                                  "\" must be a lower-case DNS label of at most 56 characters");
    }
    p.name = *name;
    auto count = integer(node["count"], what + ".count", 0, kMaxNodes);
    if (!count) return Error{count.error()};
    p.count = *count;
    if (node["gpus"]) {
      auto v = integer(node["gpus"], what + ".gpus", 0, 64);
      if (!v) return Error{v.error()};
      p.gpus = *v;
    }
    if (node["gpu_product"]) {
      auto v = label_value(node["gpu_product"], what + ".gpu_product");
      if (!v) return Error{v.error()};
      p.gpu_product = *v;
    }
    if (p.gpus > 0 && p.gpu_product.empty()) {
      return at(node, what + " has gpus but no gpu_product (e.g. NVIDIA-H100-80GB-HBM3)");
    }
    if (node["gpu_memory"]) {
      auto v = integer(node["gpu_memory"], what + ".gpu_memory", 0, 10000000);
      if (!v) return Error{v.error()};
      p.gpu_memory_mib = *v;
    }
    for (auto [key, into] : {std::pair{"cpu", &p.cpu}, std::pair{"memory", &p.memory},
                             std::pair{"ephemeral_storage", &p.ephemeral_storage}}) {
      if (!node[key]) continue;
      auto q = quantity(node[key], what + "." + key);
      if (!q) return Error{q.error()};
      *into = *q;
    }
    if (node["pods"]) {
      auto v = integer(node["pods"], what + ".pods", 1, 100000);
      if (!v) return Error{v.error()};
      p.pods = *v;
    }
    if (const YAML::Node r = node["reserved"]) {
      if (auto ok = known_keys(r, what + ".reserved", {"cpu", "memory", "ephemeral_storage"});
          !ok) {
        return Error{ok.error()};
      }
      for (const auto& kv : r) {
        const std::string key = kv.first.Scalar();
        auto q = quantity(kv.second, what + ".reserved." + key);
        if (!q) return Error{q.error()};
        const Quantity& of = key == "cpu"      ? p.cpu
                             : key == "memory" ? p.memory
                                               : p.ephemeral_storage;
        if (q->cmp(of) > 0) {
          return at(kv.second, what + ".reserved." + key + " is more than the node has");
        }
        p.reserved[key == "ephemeral_storage" ? "ephemeral-storage" : key] = *q;
      }
    }
    if (const YAML::Node m = node["mig"]) {
      if (!m.IsMap()) return at(m, what + ".mig must map resource names to counts");
      for (const auto& kv : m) {
        const std::string key = kv.first.Scalar();
        if (auto errors = apimachinery::is_qualified_name(key);
            !errors.empty() || key.find('/') == std::string::npos) {
          return at(kv.first, what + ".mig: \"" + key +
                                  "\" is not an extended resource name like "
                                  "nvidia.com/mig-3g.40gb");
        }
        auto v = integer(kv.second, what + ".mig." + key, 0, 1000);
        if (!v) return Error{v.error()};
        p.mig[key] = *v;
      }
    }
    for (auto [key, into] : {std::pair{"nodes_per_clique", &p.nodes_per_clique},
                             std::pair{"nodes_per_rack", &p.nodes_per_rack}}) {
      if (!node[key]) continue;
      auto v = integer(node[key], what + "." + key, 1, kMaxNodes);
      if (!v) return Error{v.error()};
      *into = *v;
    }
    if (node["taints"]) {
      auto ok = taints(node["taints"], what + ".taints", p.taints);
      if (!ok) return Error{ok.error()};
    }
    if (const YAML::Node l = node["labels"]) {
      if (!l.IsMap()) return at(l, what + ".labels must map label keys to values");
      for (const auto& kv : l) {
        auto key = label_key(kv.first, what + ".labels");
        if (!key) return Error{key.error()};
        auto value = label_value(kv.second, what + ".labels." + *key);
        if (!value) return Error{value.error()};
        p.labels[*key] = *value;
      }
    }
    return p;
  }

  Result<void> network(const YAML::Node& node, NodeProfile& p) const {
    if (node) {
      if (auto ok = known_keys(node, "network", {"node_cidr", "pod_cidr", "pod_prefix"}); !ok) {
        return Error{ok.error()};
      }
      for (auto [key, into] : {std::pair{"node_cidr", &p.network.node_cidr},
                               std::pair{"pod_cidr", &p.network.pod_cidr}}) {
        if (!node[key]) continue;
        auto s = string(node[key], std::string("network.") + key);
        if (!s) return Error{s.error()};
        auto cidr = Cidr::parse(*s);
        if (!cidr) return at(node[key], std::string("network.") + key + ": " + cidr.error());
        *into = *cidr;
      }
      if (node["pod_prefix"]) {
        auto v = integer(node["pod_prefix"], "network.pod_prefix", 8, 30);
        if (!v) return Error{v.error()};
        p.network.pod_prefix = static_cast<int>(*v);
      }
    }
    auto ok = check_network(p);
    if (!ok) return at(node, ok.error());
    return {};
  }
};

}  // namespace

Result<void> check_network(const NodeProfile& p) {
  const NetworkSettings& n = p.network;
  const std::uint64_t nodes = static_cast<std::uint64_t>(p.node_count());
  if (nodes + 2 > n.node_cidr.size()) {
    return Error{"network.node_cidr " + n.node_cidr.to_string() + " has room for " +
                 std::to_string(n.node_cidr.size() < 2 ? 0 : n.node_cidr.size() - 2) +
                 " nodes, the pools hold " + std::to_string(nodes)};
  }
  if (n.pod_prefix < n.pod_cidr.prefix) {
    return Error{"network.pod_prefix /" + std::to_string(n.pod_prefix) +
                 " is larger than network.pod_cidr " + n.pod_cidr.to_string()};
  }
  const std::uint64_t blocks = std::uint64_t{1} << (n.pod_prefix - n.pod_cidr.prefix);
  if (nodes > blocks) {
    return Error{"network.pod_cidr " + n.pod_cidr.to_string() + " has room for " +
                 std::to_string(blocks) + " nodes of /" + std::to_string(n.pod_prefix) +
                 ", the pools hold " + std::to_string(nodes)};
  }
  if (n.node_cidr.contains(n.pod_cidr.base) || n.pod_cidr.contains(n.node_cidr.base)) {
    return Error{"network.node_cidr " + n.node_cidr.to_string() + " and network.pod_cidr " +
                 n.pod_cidr.to_string() + " overlap"};
  }
  return {};
}

const StartupTimes& KubeletSettings::times_for(const std::string& component_type) const {
  auto it = startup.find(component_type);
  if (it != startup.end()) return it->second;
  return startup.at("default");
}

std::int64_t NodeProfile::node_count() const {
  std::int64_t n = 0;
  for (const NodePool& p : pools) n += p.count;
  return n;
}

NodeProfile default_node_profile() {
  NodeProfile p;
  p.network.node_cidr = *Cidr::parse("127.64.0.0/16");
  p.network.pod_cidr = *Cidr::parse("127.128.0.0/9");
  p.kubelet.startup = builtin_startup();
  return p;
}

Result<NodeProfile> parse_node_profile(std::string_view text, std::string_view source) {
  ProfileParser parser{std::string(source)};
  auto root = parser.parse(text);
  if (!root) return Error{root.error()};
  try {
    return parser.profile(*root);
  } catch (const YAML::Exception& e) {
    return Error{std::string(source) + ": " + e.what()};
  }
}

Result<NodeProfile> load_node_profile(const std::string& path) {
  auto text = files::read_file(path, "the node profile");
  if (!text) return Error{text.error()};
  return parse_node_profile(*text, path);
}

}  // namespace dynop::sim
