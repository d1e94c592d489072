// GPU placement end to end: the real dynop host running gpu-scheduler.so
// against the real dynop-localcluster (SQLite storage, as `make run`), on
// the cluster of workload.hpp as Node objects (no kubelet: bound pods stay
// Pending, which placement does not read). After the nodes, one probe pod
// pinned to the last node is placed, so the host has seen every node; then
// the pods are created by `--writers` clients at once, and a pod watch (as a
// controller would observe) times when each is seen bound (spec.nodeName).
//
// Reported: pods bound per second from the first create to the last pod
// seen bound, the create rate alone, the tail after the last create, the
// host's and the cluster's CPU seconds over the run, and the placement
// quality (stranded GPUs, gangs in one NVLink domain) from where pods went.
// Singles are at most --max-single-gpus (default 4) so that the GPUs asked
// for are about 65% of the cluster's; the run ends when all are bound, or
// when none was bound for --quiet seconds (then the scheduler's
// FailedScheduling messages for some of the rest are printed).
//
//   placement_e2e_bench [--nodes 5000] [--pods 10000] [--gangs 500] [--max-single-gpus 4]
//                       [--writers 4] [--scoring binpack|spread] [--quiet 10] [--timeout 600]
//                       [--in-memory]

#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/dgd/bench_cluster.hpp"
#include "bench/placement/workload.hpp"
#include "lib/cli/command_line.hpp"
#include "plugins/common/names.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace json = boost::json;
using namespace dynop;
using Clock = std::chrono::steady_clock;

constexpr const char* kNamespace = "bench";
constexpr const char* kPods = "/api/v1/namespaces/bench/pods";

json::object node_object(const bench::BenchNode& n) {
  json::object allocatable{{"cpu", "128"},
                           {"memory", "1Ti"},
                           {"nvidia.com/gpu", std::to_string(bench::kGpusPerNode)},
                           {"pods", "110"}};
  json::object spec;
  if (n.tainted)
    spec["taints"] = json::array{json::object{
        {"key", bench::kTaintKey}, {"value", bench::kTaintValue}, {"effect", "NoSchedule"}}};
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata",
           {{"name", n.name},
            {"labels",
             {{"kubernetes.io/hostname", n.name},
              {"nvidia.com/gpu.clique", n.clique},
              {"nvidia.com/gpu.count", std::to_string(bench::kGpusPerNode)},
              {"nvidia.com/gpu.product", n.product},
              {"topology.kubernetes.io/rack", n.rack}}}}},
          {"spec", std::move(spec)},
          {"status",
           {{"capacity", allocatable},
            {"allocatable", allocatable},
            {"conditions", json::array{json::object{{"type", "Ready"}, {"status", "True"}}}}}}};
}

json::object pod_object(const std::string& name, int64_t gpus, json::object labels,
                        json::object extra_spec = {}) {
  const std::string count = std::to_string(gpus);
  json::object spec{
      {"schedulerName", "dynop-gpu-scheduler"},
      {"containers",
       json::array{json::object{
           {"name", "main"},
           {"image", "busybox"},
           {"resources",
            {{"requests", {{"cpu", "4"}, {"memory", "64Gi"}, {"nvidia.com/gpu", count}}},
             {"limits", {{"nvidia.com/gpu", count}}}}}}}}};
  for (auto& [k, v] : extra_spec) spec[k] = v;
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", std::move(labels)}}},
          {"spec", std::move(spec)}};
}

json::object pod_object(const bench::BenchPod& p) {
  json::object labels{{plugins::common::kLabelDgdName, p.graph}};
  if (!p.group.empty()) {
    labels[plugins::common::kLabelGroup] = p.group;
    labels[plugins::common::kLabelGroupSize] = std::to_string(p.group_size);
  }
  json::object extra;
  if (p.wants_h200)
    extra["affinity"] = json::object{
        {"nodeAffinity",
         {{"requiredDuringSchedulingIgnoredDuringExecution",
           {{"nodeSelectorTerms",
             json::array{json::object{
                 {"matchExpressions",
                  json::array{json::object{{"key", "nvidia.com/gpu.product"},
                                           {"operator", "In"},
                                           {"values", json::array{bench::kH200}}}}}}}}}}}}};
  if (p.tolerates)
    extra["tolerations"] = json::array{json::object{{"key", bench::kTaintKey},
                                                    {"operator", "Equal"},
                                                    {"value", bench::kTaintValue},
                                                    {"effect", "NoSchedule"}}};
  return pod_object(p.name, p.gpus, std::move(labels), std::move(extra));
}

// POSTs every object with `writers` clients at once; "" or the first failure.
std::string create_all(test::LocalCluster& cluster, const std::string& path,
                       const std::vector<json::object>& objects, int writers) {
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::string failure;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < objects.size(); i = next++) {
        auto r = cluster.post(path, objects[i]);
        if (r.status == 201) continue;
        std::lock_guard lock(mutex);
        if (failure.empty()) failure = std::to_string(r.status) + " " + r.body;
      }
    });
  }
  for (auto& t : threads) t.join();
  return failure;
}

// Where the watch has seen pods bound, and when.
struct Bound {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::string, std::string> nodes;
  Clock::time_point last{};

  void on_pod(std::string_view, const json::object& pod) {
    const json::value* spec = pod.if_contains("spec");
    const json::value* node =
        spec && spec->is_object() ? spec->get_object().if_contains("nodeName") : nullptr;
    if (node == nullptr || !node->is_string() || node->get_string().empty()) return;
    std::lock_guard lock(mutex);
    if (nodes.emplace(bench::name_of(pod), std::string(node->get_string())).second) {
      last = Clock::now();
      changed.notify_all();
    }
  }
  bool wait_for(std::size_t count, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return nodes.size() >= count; });
  }
  // Until `count` are bound, or none was for `quiet`, or `timeout` passed.
  bool wait_until_settled(std::size_t count, std::chrono::seconds quiet,
                          std::chrono::seconds timeout) {
    const Clock::time_point deadline = Clock::now() + timeout;
    std::unique_lock lock(mutex);
    for (;;) {
      if (nodes.size() >= count) return true;
      const Clock::time_point until = std::min(deadline, std::max(last, Clock::now()) + quiet);
      if (!changed.wait_until(lock, until, [&] { return nodes.size() >= count; }) &&
          (Clock::now() >= deadline || Clock::now() - last >= quiet))
        return false;
    }
  }
};

int run(const bench::WorkloadOptions& workload_options, const std::string& scoring, int writers,
        int quiet_seconds, int timeout_seconds, bool in_memory) {
  const bench::Workload w = bench::make_workload(workload_options);
  test::TempDir files("placement-e2e-bench");
  bench::BenchClusterOptions options;
  options.in_memory = in_memory;
  options.plugins = "gpu-scheduler";
  options.namespaces = {kNamespace};
  const std::string config =
      files.write("dynop.yaml", "pluginConfig:\n  gpu-scheduler:\n    scoring: " + scoring + "\n");
  options.host_args = {"--config", config};
  bench::BenchCluster env(options);
  if (!env.ok()) {
    std::fprintf(stderr, "%s\n", env.error().c_str());
    return 1;
  }
  test::LocalCluster& cluster = env.cluster();

  std::vector<json::object> nodes;
  for (const bench::BenchNode& n : w.nodes) nodes.push_back(node_object(n));
  if (auto failed = create_all(cluster, "/api/v1/nodes", nodes, writers); !failed.empty()) {
    std::fprintf(stderr, "creating nodes: %s\n", failed.c_str());
    return 1;
  }
  Bound bound;
  bench::WatchFeed feed(cluster, kPods, [&](std::string_view type, const json::object& pod) {
    bound.on_pod(type, pod);
  });
  if (!feed.ok()) {
    std::fprintf(stderr, "%s\n", feed.error().c_str());
    return 1;
  }
  // The probe: placed once the host has seen the last node (events come in order).
  const std::string last = w.nodes.back().name;
  auto probe = cluster.post(
      kPods, pod_object("probe", 1, {},
                        {{"nodeSelector", json::object{{"kubernetes.io/hostname", last}}}}));
  if (probe.status != 201 || !bound.wait_for(1, std::chrono::seconds(120))) {
    std::fprintf(stderr, "the probe pod was not placed: %u %s\n%s\n", probe.status,
                 probe.body.c_str(), env.host().log().c_str());
    return 1;
  }

  std::vector<json::object> pods;
  for (const bench::BenchPod& p : w.pods) pods.push_back(pod_object(p));
  const pid_t host_pid = env.host().process().pid();
  const pid_t cluster_pid = cluster.process().pid();
  const bench::ProcessSample host0 = bench::sample_process(host_pid);
  const bench::ProcessSample cluster0 = bench::sample_process(cluster_pid);
  const Clock::time_point start = Clock::now();
  if (auto failed = create_all(cluster, kPods, pods, writers); !failed.empty()) {
    std::fprintf(stderr, "creating pods: %s\n", failed.c_str());
    return 1;
  }
  const Clock::time_point created = Clock::now();
  const bool all = bound.wait_until_settled(pods.size() + 1, std::chrono::seconds(quiet_seconds),
                                            std::chrono::seconds(timeout_seconds));
  const bench::ProcessSample host1 = bench::sample_process(host_pid);
  const bench::ProcessSample cluster1 = bench::sample_process(cluster_pid);

  std::map<std::string, std::string> placed;
  Clock::time_point last_bound;
  {
    std::lock_guard lock(bound.mutex);
    placed = bound.nodes;
    last_bound = bound.last;
  }
  placed.erase("probe");
  auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  const double creating = seconds(created - start);
  const double binding = seconds(last_bound - start);
  const bench::PlacementQuality q = bench::placement_quality(w, placed);
  std::printf("scoring=%s nodes=%zu gpus=%lld pods=%zu (gangs=%d, %zu gang pods) writers=%d %s\n",
              scoring.c_str(), w.nodes.size(), static_cast<long long>(q.gpus), w.pods.size(),
              w.gangs, w.gang_pods, writers, in_memory ? "in-memory" : "sqlite");
  std::printf("bound %zu of %zu%s\n", placed.size(), pods.size(),
              all ? "" : " (the rest were not bound within --quiet seconds of the last binding)");
  std::printf("created in %.2f s (%.0f pods/s); last bound %.2f s after the first create\n",
              creating, static_cast<double>(pods.size()) / creating, binding);
  std::printf("pods bound/s, first create to last bound = %.0f\n",
              static_cast<double>(placed.size()) / binding);
  std::printf(
      "CPU seconds over the run: host %.2f, dynop-localcluster %.2f; host peak RSS %ld MiB\n",
      host1.cpu_seconds - host0.cpu_seconds, cluster1.cpu_seconds - cluster0.cpu_seconds,
      host1.peak_rss_kib / 1024);
  // Stranded GPUs only mean something while pods are left pending.
  std::printf(
      "GPUs free %lld, stranded %lld; gangs placed %zu of %d, inside one NVLink domain %zu\n",
      static_cast<long long>(q.free), static_cast<long long>(all ? 0 : q.stranded), q.gangs_placed,
      w.gangs, q.gangs_in_one_domain);
  if (!all) {
    // Why some are left, in the scheduler's words.
    int shown = 0;
    for (const json::value& e :
         test::items(cluster.get("/api/v1/namespaces/bench/events?limit=5000"))) {
      if (test::field_text(e, {"reason"}) != "FailedScheduling") continue;
      if (shown++ == 5) break;
      std::printf("  %s: %s\n", test::field_text(e, {"involvedObject", "name"}).c_str(),
                  test::field_text(e, {"message"}).c_str());
    }
  }
  return all ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  po::options_description flags("Flags");
  flags.add_options()("nodes", po::value<int>()->default_value(5000), "8-GPU nodes")(
      "pods", po::value<int>()->default_value(10000), "pods created")(
      "gangs", po::value<int>()->default_value(500), "multinode groups of 2-4 pods among them")(
      "max-single-gpus", po::value<int64_t>()->default_value(4), "largest single pod (1, 2, 4, 8)")(
      "writers", po::value<int>()->default_value(4), "clients creating at once")(
      "scoring", po::value<std::string>()->default_value("binpack"), "binpack or spread")(
      "quiet", po::value<int>()->default_value(10),
      "stop waiting when no pod was bound for this many seconds")(
      "timeout", po::value<int>()->default_value(600), "seconds to wait for all bound")(
      "in-memory", po::bool_switch(), "the cluster without SQLite")(
      "seed", po::value<unsigned>()->default_value(1), "random seed");
  po::variables_map values;
  if (auto code = cli::parse_main(argc, argv, flags, "placement_e2e_bench", "[flags]", values))
    return *code;
  bench::WorkloadOptions workload;
  workload.nodes = values["nodes"].as<int>();
  workload.pods = values["pods"].as<int>();
  workload.gangs = values["gangs"].as<int>();
  workload.seed = values["seed"].as<unsigned>();
  workload.max_single_gpus = values["max-single-gpus"].as<int64_t>();
  return run(workload, values["scoring"].as<std::string>(), values["writers"].as<int>(),
             values["quiet"].as<int>(), values["timeout"].as<int>(),
             values["in-memory"].as<bool>());
}
