#include "sim/nodes/sim_node.hpp"

#include <fmt/format.h>

#include <boost/json/array.hpp>

#include "lib/apimachinery/time.hpp"

namespace dynop::sim {

namespace json = boost::json;
using apimachinery::Quantity;

namespace {

std::uint64_t fnv1a64(std::string_view data, std::uint64_t seed = 14695981039346656037ull) {
  std::uint64_t h = seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// 32 hex digits derived from `seed`: stable across runs, different per node.
std::string hex32(std::string_view seed) {
  return fmt::format("{:016x}{:016x}", fnv1a64(seed), fnv1a64(seed, fnv1a64("dynop-sim")));
}

std::string uuid_from(std::string_view seed) {
  std::string h = hex32(seed);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

json::object quantities(const std::map<std::string, Quantity>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v.to_string();
  return o;
}

json::object condition(std::string_view type, bool status_true, std::string_view reason,
                       std::string_view message, std::chrono::system_clock::time_point now,
                       TransitionTimes& transitions) {
  const std::string status = status_true ? "True" : "False";
  // The transition time is kept while the status holds.
  const std::string key = std::string(type) + "=" + status;
  auto it = transitions.find(key);
  if (it == transitions.end()) {
    for (auto other = transitions.begin(); other != transitions.end();) {
      if (other->first.starts_with(std::string(type) + "=")) {
        other = transitions.erase(other);
      } else {
        ++other;
      }
    }
    it = transitions.emplace(key, now).first;
  }
  return json::object{{"type", type},
                      {"status", status},
                      {"lastHeartbeatTime", apimachinery::format_time(now)},
                      {"lastTransitionTime", apimachinery::format_time(it->second)},
                      {"reason", reason},
                      {"message", message}};
}

}  // namespace

std::vector<SimNode> expand_nodes(const NodeProfile& profile) {
  std::vector<SimNode> nodes;
  nodes.reserve(static_cast<std::size_t>(profile.node_count()));
  for (const NodePool& pool : profile.pools) {
    for (std::int64_t i = 0; i < pool.count; ++i) {
      SimNode n;
      n.index = nodes.size();
      n.name = fmt::format("{}-{}", pool.name, i);
      n.pool = pool.name;
      n.address = profile.network.node_cidr.at(n.index + 1);
      n.ip = format_ipv4(n.address);
      n.pod_cidr = profile.network.pod_cidr.subnet(n.index, profile.network.pod_prefix);
      n.gpus = pool.gpus;
      n.machine_id = hex32(profile.instance + "/" + n.name);
      n.taints = pool.taints;

      n.labels = pool.labels;
      n.labels["beta.kubernetes.io/arch"] = "amd64";
      n.labels["beta.kubernetes.io/os"] = "linux";
      n.labels["kubernetes.io/arch"] = "amd64";
      n.labels["kubernetes.io/hostname"] = n.name;
      n.labels["kubernetes.io/os"] = "linux";
      n.labels[kPoolLabel] = pool.name;
      n.labels[kInstanceLabel] = profile.instance;
      if (pool.gpus > 0) {
        // What NVIDIA's GPU feature discovery labels a GPU node with.
        n.labels["nvidia.com/gpu.present"] = "true";
        n.labels["nvidia.com/gpu.product"] = pool.gpu_product;
        n.labels["nvidia.com/gpu.count"] = std::to_string(pool.gpus);
        if (pool.gpu_memory_mib > 0) {
          n.labels["nvidia.com/gpu.memory"] = std::to_string(pool.gpu_memory_mib);
        }
        if (!pool.mig.empty()) n.labels["nvidia.com/mig.strategy"] = "mixed";
      }
      if (pool.nodes_per_clique > 0) {
        // GFD's clique label is "<fabric cluster UUID>.<clique id>".
        const std::int64_t clique = i / pool.nodes_per_clique;
        n.labels["nvidia.com/gpu.clique"] =
            fmt::format("{}.{}", uuid_from(profile.instance + "/" + pool.name), clique);
      }
      if (pool.nodes_per_rack > 0) {
        n.labels[profile.rack_label] =
            fmt::format("{}-rack-{}", pool.name, i / pool.nodes_per_rack);
      }
      n.annotations["volumes.kubernetes.io/controller-managed-attach-detach"] = "true";

      n.capacity["cpu"] = pool.cpu;
      n.capacity["memory"] = pool.memory;
      n.capacity["ephemeral-storage"] = pool.ephemeral_storage;
      n.capacity["hugepages-1Gi"] = Quantity::from_int(0);
      n.capacity["hugepages-2Mi"] = Quantity::from_int(0);
      n.capacity["pods"] = Quantity::from_int(pool.pods);
      if (pool.gpus > 0) n.capacity["nvidia.com/gpu"] = Quantity::from_int(pool.gpus);
      for (const auto& [resource, count] : pool.mig)
        n.capacity[resource] = Quantity::from_int(count);
      n.allocatable = n.capacity;
      for (const auto& [resource, reserved] : pool.reserved) n.allocatable[resource].sub(reserved);
      nodes.push_back(std::move(n));
    }
  }
  return nodes;
}

boost::json::object render_node_status(const SimNode& node, const NodeProfile& profile,
                                       const NodeHealth& health,
                                       std::chrono::system_clock::time_point now,
                                       TransitionTimes& transitions) {
  std::map<std::string, Quantity> allocatable = node.allocatable;
  if (node.gpus > 0) {
    const std::int64_t healthy = std::max<std::int64_t>(0, node.gpus - health.failed_gpus);
    allocatable["nvidia.com/gpu"] = Quantity::from_int(healthy);
  }
  json::array conditions{condition("MemoryPressure", false, "KubeletHasSufficientMemory",
                                   "kubelet has sufficient memory available", now, transitions),
                         condition("DiskPressure", false, "KubeletHasNoDiskPressure",
                                   "kubelet has no disk pressure", now, transitions),
                         condition("PIDPressure", false, "KubeletHasSufficientPID",
                                   "kubelet has sufficient PID available", now, transitions),
                         health.ready
                             ? condition("Ready", true, "KubeletReady",
                                         "kubelet is posting ready status", now, transitions)
                             : condition("Ready", false, "KubeletNotReady",
                                         "container runtime is down", now, transitions)};
  const std::string uuid = uuid_from(node.machine_id);
  return json::object{
      {"capacity", quantities(node.capacity)},
      {"allocatable", quantities(allocatable)},
      {"conditions", std::move(conditions)},
      {"addresses", json::array{json::object{{"type", "InternalIP"}, {"address", node.ip}},
                                json::object{{"type", "Hostname"}, {"address", node.name}}}},
      {"daemonEndpoints",
       json::object{{"kubeletEndpoint", json::object{{"Port", profile.kubelet.port}}}}},
      {"nodeInfo", json::object{{"machineID", node.machine_id},
                                {"systemUUID", uuid},
                                {"bootID", uuid_from(node.machine_id + "/boot")},
                                {"kernelVersion", "6.1.0-18-amd64"},
                                {"osImage", "Ubuntu 22.04.4 LTS"},
                                {"containerRuntimeVersion", "containerd://1.7.13"},
                                {"kubeletVersion", profile.kubelet.version},
                                {"kubeProxyVersion", profile.kubelet.version},
                                {"operatingSystem", "linux"},
                                {"architecture", "amd64"}}}};
}

boost::json::object render_node(const SimNode& node, const NodeProfile& profile,
                                const NodeHealth& health, std::chrono::system_clock::time_point now,
                                TransitionTimes& transitions) {
  json::object labels;
  for (const auto& [k, v] : node.labels) labels[k] = v;
  json::object annotations;
  for (const auto& [k, v] : node.annotations) annotations[k] = v;
  json::object spec{{"podCIDR", node.pod_cidr.to_string()},
                    {"podCIDRs", json::array{json::value(node.pod_cidr.to_string())}}};
  if (!node.taints.empty()) {
    json::array taints;
    for (const Taint& t : node.taints) {
      json::object o{{"key", t.key}, {"effect", t.effect}};
      if (!t.value.empty()) o["value"] = t.value;
      taints.push_back(std::move(o));
    }
    spec["taints"] = std::move(taints);
  }
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Node"},
                      {"metadata", json::object{{"name", node.name},
                                                {"labels", std::move(labels)},
                                                {"annotations", std::move(annotations)}}},
                      {"spec", std::move(spec)},
                      {"status", render_node_status(node, profile, health, now, transitions)}};
}

boost::json::object render_lease(const SimNode& node, const std::string& node_uid,
                                 const NodeProfile& profile,
                                 std::chrono::system_clock::time_point renew_time) {
  json::object metadata{{"name", node.name}, {"namespace", kNodeLeaseNamespace}};
  if (!node_uid.empty()) {
    metadata["ownerReferences"] = json::array{json::object{
        {"apiVersion", "v1"}, {"kind", "Node"}, {"name", node.name}, {"uid", node_uid}}};
  }
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(profile.kubelet.lease_duration).count();
  return json::object{
      {"apiVersion", "coordination.k8s.io/v1"},
      {"kind", "Lease"},
      {"metadata", std::move(metadata)},
      {"spec", json::object{{"holderIdentity", node.name},
                            {"leaseDurationSeconds", seconds},
                            {"renewTime", apimachinery::format_micro_time(renew_time)}}}};
}

}  // namespace dynop::sim
