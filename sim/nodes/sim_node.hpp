#pragma once
// The nodes a profile describes, one entry per node, and the objects a
// kubelet writes for them: the Node it registers (labels from GPU feature
// discovery, capacity and allocatable with nvidia.com/gpu, the conditions a
// kubelet reports, a loopback InternalIP, daemonEndpoints, nodeInfo), the
// status it reports, and its Lease in kube-node-lease.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/nodes/node_profile.hpp"

namespace dynop::sim {

// Label on every Node a sim registers: the profile's instance name, so a sim
// started again adopts its nodes and removes those its profile lost.
inline constexpr char kInstanceLabel[] = "sim.dynop.io/instance";
inline constexpr char kPoolLabel[] = "sim.dynop.io/pool";
inline constexpr char kNodeLeaseNamespace[] = "kube-node-lease";

struct SimNode {
  std::string name;   // "<pool>-<index in pool>"
  std::size_t index;  // in the whole profile, which places its addresses
  std::string pool;
  std::uint32_t address = 0;  // InternalIP
  std::string ip;
  Cidr pod_cidr;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::vector<Taint> taints;
  std::int64_t gpus = 0;
  // Resource name -> quantity, as the kubelet reports them.
  std::map<std::string, apimachinery::Quantity> capacity;
  std::map<std::string, apimachinery::Quantity> allocatable;
  std::string machine_id;  // also systemUUID and bootID seeds
};

std::vector<SimNode> expand_nodes(const NodeProfile& profile);

// What the node reports about itself beyond its fixed facts.
struct NodeHealth {
  bool ready = true;             // false: the kubelet reports Ready=False (fault)
  std::int64_t failed_gpus = 0;  // unhealthy devices, missing from allocatable
  bool operator==(const NodeHealth&) const = default;
};

// lastTransitionTime per condition type, kept while a condition's status holds.
using TransitionTimes = std::map<std::string, std::chrono::system_clock::time_point>;

// The Node to POST.
boost::json::object render_node(const SimNode& node, const NodeProfile& profile,
                                const NodeHealth& health, std::chrono::system_clock::time_point now,
                                TransitionTimes& transitions);
// The status a kubelet reports (conditions with heartbeat `now`, capacity,
// allocatable, addresses, daemonEndpoints, nodeInfo), for PATCH nodes/<n>/status.
boost::json::object render_node_status(const SimNode& node, const NodeProfile& profile,
                                       const NodeHealth& health,
                                       std::chrono::system_clock::time_point now,
                                       TransitionTimes& transitions);
// The node's Lease, owned by the Node (so deleting the node deletes it).
boost::json::object render_lease(const SimNode& node, const std::string& node_uid,
                                 const NodeProfile& profile,
                                 std::chrono::system_clock::time_point renew_time);

}  // namespace dynop::sim
