// GPU placement end to end: the real dynop host running gpu-scheduler.so
// against the real dynop-localcluster (SQLite storage, as `make run`). The
// nodes are either the cluster of workload.hpp as Node objects the bench
// creates (no kubelet: bound pods stay Pending, which placement does not
// read), or, with --sim-profile, those of the real dynop-sim playing a
// profile such as sim/profiles/bench-5000.yaml (registration, Leases,
// status; its kubelets run the bound pods, so pods go Running while others
// are being bound, as in a real cluster).
//
// Two orders:
// - default: after the nodes, one probe pod pinned to the last node is
//   placed, so the host has seen every node; then the pods are created by
//   `--writers` clients at once, and a pod watch (as a controller would
//   observe) times when each is seen bound (spec.nodeName). This times
//   creation and binding together.
// - --pods-first: the pods are created before the host starts; then the
//   host starts and the watch times binding alone: from the first pod seen
//   bound to the last (and, for scale, from the host's start, which adds its
//   start-up and its first list of the nodes and pods).
//
// Reported: pods bound per second, the create rate, the tail after the last
// create, the host's and the cluster's CPU seconds over the run, and the
// placement quality (stranded GPUs, gangs in one NVLink domain) from where
// pods went. Singles are at most --max-single-gpus (default 4) so that the
// GPUs asked for are about 65% of the cluster's; the run ends when all are
// bound, or when none was bound for --quiet seconds (then the scheduler's
// FailedScheduling messages for some of the rest are printed).
//
//   placement_e2e_bench [--nodes 5000] [--pods 10000] [--gangs 500] [--max-single-gpus 4]
//                       [--writers 4] [--scoring binpack|spread] [--quiet 10] [--timeout 600]
//                       [--in-memory] [--sim-profile sim/profiles/bench-5000.yaml] [--pods-first]

#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "bench/dgd/bench_cluster.hpp"
#include "bench/placement/workload.hpp"
#include "lib/cli/command_line.hpp"
#include "plugins/common/names.hpp"
#include "sim/nodes/node_profile.hpp"
#include "sim/nodes/sim_node.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace json = boost::json;
using namespace dynop;
using Clock = std::chrono::steady_clock;

constexpr const char* kNamespace = "bench";
constexpr const char* kPods = "/api/v1/namespaces/bench/pods";

// The taint the workload's tolerating pods tolerate: workload.hpp's, or
// the one the dynop-sim profile puts on its tainted nodes.
struct TaintToTolerate {
  std::string key = bench::kTaintKey;
  std::string value = bench::kTaintValue;
};

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

// The nodes dynop-sim registers for `profile`, as the workload describes
// nodes (for the placement quality); `taint` gets the taint of its tainted
// nodes. "" or what is wrong (a profile whose nodes the quality figures
// cannot describe: not 8 GPUs, or tainted two ways).
std::string nodes_of_profile(const sim::NodeProfile& profile, std::vector<bench::BenchNode>& out,
                             TaintToTolerate& taint) {
  std::optional<sim::Taint> seen;
  for (const sim::SimNode& node : sim::expand_nodes(profile)) {
    if (node.gpus != bench::kGpusPerNode)
      return "node " + node.name + " has " + std::to_string(node.gpus) + " GPUs, the bench needs " +
             std::to_string(bench::kGpusPerNode);
    bench::BenchNode n;
    n.name = node.name;
    auto label = [&](const std::string& key) {
      auto it = node.labels.find(key);
      return it == node.labels.end() ? std::string() : it->second;
    };
    n.product = label("nvidia.com/gpu.product");
    n.clique = label("nvidia.com/gpu.clique");
    n.rack = label(profile.rack_label);
    for (const sim::Taint& t : node.taints) {
      if (t.effect != "NoSchedule") continue;
      if (seen && (seen->key != t.key || seen->value != t.value))
        return "the profile's nodes are tainted two ways (" + seen->key + "=" + seen->value +
               ", " + t.key + "=" + t.value + "); the workload's pods tolerate one taint";
      seen = t;
      n.tainted = true;
    }
    out.push_back(std::move(n));
  }
  if (seen) taint = {seen->key, seen->value};
  return "";
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

json::object pod_object(const bench::BenchPod& p, const TaintToTolerate& taint) {
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
    extra["tolerations"] = json::array{json::object{{"key", taint.key},
                                                    {"operator", "Equal"},
                                                    {"value", taint.value},
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
  Clock::time_point first{};  // the first pod seen bound
  Clock::time_point last{};

  void on_pod(std::string_view, const json::object& pod) {
    const json::value* spec = pod.if_contains("spec");
    const json::value* node =
        spec && spec->is_object() ? spec->get_object().if_contains("nodeName") : nullptr;
    if (node == nullptr || !node->is_string() || node->get_string().empty()) return;
    std::lock_guard lock(mutex);
    if (nodes.emplace(bench::name_of(pod), std::string(node->get_string())).second) {
      last = Clock::now();
      if (nodes.size() == 1) first = last;
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

struct RunOptions {
  std::string scoring = "binpack";
  int writers = 4;
  int quiet_seconds = 10;
  int timeout_seconds = 600;
  bool in_memory = false;
  std::string sim_profile;  // "": the bench creates the workload's nodes as Node objects
  bool pods_first = false;
};

// dynop-sim playing `profile` for the cluster, once it printed that every
// node is registered; null and a message on stderr otherwise.
std::unique_ptr<test::Process> start_sim(test::LocalCluster& cluster, const std::string& profile) {
  std::string error;
  // No admin endpoint and no kubelet ports: nothing here asks them.
  auto sim = test::Process::spawn(test::binary_path("bin/dynop-sim"),
                                  {"--nodes", profile, "--kubeconfig", cluster.kubeconfig(),
                                   "--admin-address", "", "--serve-kubelet-ports", "false"},
                                  error);
  if (!sim) {
    std::fprintf(stderr, "cannot start dynop-sim: %s\n", error.c_str());
    return nullptr;
  }
  const Clock::time_point start = Clock::now();
  auto count = sim->wait_for_match(std::regex(R"(dynop-sim is ready: (\d+) nodes)"),
                                   std::chrono::seconds(900), test::Stream::kStdout);
  if (!count) {
    std::fprintf(stderr, "dynop-sim did not get ready:\n%s\n", sim->stderr_text().c_str());
    return nullptr;
  }
  std::printf("dynop-sim registered %s nodes in %.1f s\n", count->c_str(),
              std::chrono::duration<double>(Clock::now() - start).count());
  return sim;
}

int run(const bench::WorkloadOptions& workload_options, const RunOptions& o) {
  bench::Workload w = bench::make_workload(workload_options);
  TaintToTolerate taint;
  std::optional<sim::NodeProfile> profile;
  if (!o.sim_profile.empty()) {
    auto loaded = sim::load_node_profile(o.sim_profile);
    if (!loaded) {
      std::fprintf(stderr, "%s\n", loaded.error().c_str());
      return 1;
    }
    profile = std::move(*loaded);
    w.nodes.clear();
    if (auto wrong = nodes_of_profile(*profile, w.nodes, taint); !wrong.empty()) {
      std::fprintf(stderr, "%s: %s\n", o.sim_profile.c_str(), wrong.c_str());
      return 1;
    }
  }
  test::TempDir files("placement-e2e-bench");
  bench::BenchClusterOptions options;
  options.in_memory = o.in_memory;
  options.plugins = "gpu-scheduler";
  options.namespaces = {kNamespace};
  options.defer_host = o.pods_first;
  const std::string config =
      files.write("dynop.yaml", "pluginConfig:\n  gpu-scheduler:\n    scoring: " + o.scoring + "\n");
  options.host_args = {"--config", config};
  bench::BenchCluster env(options);
  if (!env.ok()) {
    std::fprintf(stderr, "%s\n", env.error().c_str());
    return 1;
  }
  test::LocalCluster& cluster = env.cluster();

  std::unique_ptr<test::Process> sim;
  if (profile) {
    sim = start_sim(cluster, o.sim_profile);
    if (!sim) return 1;
  } else {
    std::vector<json::object> nodes;
    for (const bench::BenchNode& n : w.nodes) nodes.push_back(node_object(n));
    if (auto failed = create_all(cluster, "/api/v1/nodes", nodes, o.writers); !failed.empty()) {
      std::fprintf(stderr, "creating nodes: %s\n", failed.c_str());
      return 1;
    }
  }
  std::vector<json::object> pods;
  for (const bench::BenchPod& p : w.pods) pods.push_back(pod_object(p, taint));
  Bound bound;
  std::unique_ptr<bench::WatchFeed> feed;
  auto open_feed = [&] {
    feed = std::make_unique<bench::WatchFeed>(
        cluster, kPods, [&](std::string_view type, const json::object& pod) {
          bound.on_pod(type, pod);
        });
    if (!feed->ok()) std::fprintf(stderr, "%s\n", feed->error().c_str());
    return feed->ok();
  };
  auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  const pid_t cluster_pid = cluster.process().pid();
  std::size_t expected = pods.size();
  Clock::time_point start, created, host_started, host_ready;
  bench::ProcessSample host0{}, cluster0{}, sim0{};
  if (!o.pods_first) {
    if (!open_feed()) return 1;
    // The probe: placed once the host has seen the last node (events come in
    // order). It tolerates any taint: the last node may be tainted.
    const std::string last = w.nodes.back().name;
    auto probe = cluster.post(
        kPods, pod_object("probe", 1, {},
                          {{"nodeSelector", json::object{{"kubernetes.io/hostname", last}}},
                           {"tolerations", json::array{json::object{{"operator", "Exists"}}}}}));
    if (probe.status != 201 || !bound.wait_for(1, std::chrono::seconds(120))) {
      std::fprintf(stderr, "the probe pod was not placed: %u %s\n%s\n", probe.status,
                   probe.body.c_str(), env.host().log().c_str());
      return 1;
    }
    ++expected;
    host0 = bench::sample_process(env.host().process().pid());
    cluster0 = bench::sample_process(cluster_pid);
    if (sim) sim0 = bench::sample_process(sim->pid());
    start = Clock::now();
    if (auto failed = create_all(cluster, kPods, pods, o.writers); !failed.empty()) {
      std::fprintf(stderr, "creating pods: %s\n", failed.c_str());
      return 1;
    }
    created = Clock::now();
  } else {
    start = Clock::now();
    if (auto failed = create_all(cluster, kPods, pods, o.writers); !failed.empty()) {
      std::fprintf(stderr, "creating pods: %s\n", failed.c_str());
      return 1;
    }
    created = Clock::now();
    if (!open_feed()) return 1;
    // The host's CPU is counted from its start (it has none before).
    cluster0 = bench::sample_process(cluster_pid);
    if (sim) sim0 = bench::sample_process(sim->pid());
    host_started = Clock::now();
    if (auto failed = env.start_host(); !failed.empty()) {
      std::fprintf(stderr, "%s\n", failed.c_str());
      return 1;
    }
    host_ready = Clock::now();
  }
  const pid_t host_pid = env.host().process().pid();
  const bool all = bound.wait_until_settled(expected, std::chrono::seconds(o.quiet_seconds),
                                            std::chrono::seconds(o.timeout_seconds));
  const bench::ProcessSample host1 = bench::sample_process(host_pid);
  const bench::ProcessSample cluster1 = bench::sample_process(cluster_pid);
  const bench::ProcessSample sim1 = sim ? bench::sample_process(sim->pid()) : bench::ProcessSample{};

  std::map<std::string, std::string> placed;
  Clock::time_point first_bound, last_bound;
  {
    std::lock_guard lock(bound.mutex);
    placed = bound.nodes;
    first_bound = bound.first;
    last_bound = bound.last;
  }
  placed.erase("probe");
  const double creating = seconds(created - start);
  const bench::PlacementQuality q = bench::placement_quality(w, placed);
  const std::string node_source = profile ? "dynop-sim " + o.sim_profile : "Node objects";
  std::printf("scoring=%s nodes=%zu (%s) gpus=%lld pods=%zu (gangs=%d, %zu gang pods) writers=%d "
              "%s%s\n",
              o.scoring.c_str(), w.nodes.size(), node_source.c_str(),
              static_cast<long long>(q.gpus), w.pods.size(), w.gangs, w.gang_pods, o.writers,
              o.in_memory ? "in-memory" : "sqlite", o.pods_first ? " pods-first" : "");
  std::printf("bound %zu of %zu%s\n", placed.size(), pods.size(),
              all ? "" : " (the rest were not bound within --quiet seconds of the last binding)");
  std::printf("created in %.2f s (%.0f pods/s)\n", creating,
              static_cast<double>(pods.size()) / creating);
  if (!o.pods_first) {
    const double binding = seconds(last_bound - start);
    std::printf("last bound %.2f s after the first create, %.2f s after the last\n", binding,
                seconds(last_bound - created));
    std::printf("pods bound/s, first create to last bound = %.0f\n",
                static_cast<double>(placed.size()) / binding);
  } else {
    std::printf("host started %.2f s after the last create, ready %.2f s after its start; first "
                "pod bound %.2f s after its start, last %.2f s after it\n",
                seconds(host_started - created), seconds(host_ready - host_started),
                seconds(first_bound - host_started), seconds(last_bound - host_started));
    std::printf("pods bound/s, first bound to last bound = %.0f\n",
                static_cast<double>(placed.size()) / seconds(last_bound - first_bound));
    std::printf("pods bound/s, host start to last bound = %.0f\n",
                static_cast<double>(placed.size()) / seconds(last_bound - host_started));
  }
  char sim_cpu[64] = "";
  if (sim) std::snprintf(sim_cpu, sizeof sim_cpu, ", dynop-sim %.2f", sim1.cpu_seconds - sim0.cpu_seconds);
  std::printf(
      "CPU seconds over the run: host %.2f, dynop-localcluster %.2f%s; host peak RSS %ld MiB\n",
      host1.cpu_seconds - host0.cpu_seconds, cluster1.cpu_seconds - cluster0.cpu_seconds, sim_cpu,
      host1.peak_rss_kib / 1024);
  // Stranded GPUs only mean something while pods are left pending.
  std::printf(
      "GPUs free %lld, stranded %lld; gangs placed %zu of %d, inside one NVLink domain %zu\n",
      static_cast<long long>(q.free), static_cast<long long>(all ? 0 : q.stranded), q.gangs_placed,
      w.gangs, q.gangs_in_one_domain);
  if (!all) {
    // What is left, by kind, and why, in the scheduler's words.
    std::size_t left = 0, h200 = 0, tolerating = 0, gang = 0;
    for (const bench::BenchPod& p : w.pods) {
      if (placed.contains(p.name)) continue;
      ++left;
      h200 += p.wants_h200;
      tolerating += p.tolerates;
      gang += !p.group.empty();
    }
    std::printf("left pending: %zu (pinned to H200: %zu, tolerating the taint: %zu, gang pods: %zu)\n",
                left, h200, tolerating, gang);
    int shown = 0;
    for (const json::value& e : test::items(cluster.get(
             "/api/v1/namespaces/bench/events?fieldSelector=reason%3DFailedScheduling"))) {
      if (shown++ == 5) break;
      std::printf("  %s: %s\n", test::field_text(e, {"involvedObject", "name"}).c_str(),
                  test::field_text(e, {"message"}).c_str());
    }
  }
  feed.reset();
  if (sim) {
    sim->signal(SIGTERM);
    sim->wait(std::chrono::seconds(60));
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
      "sim-profile", po::value<std::string>()->default_value(""),
      "nodes from dynop-sim playing this profile (e.g. sim/profiles/bench-5000.yaml) instead of "
      "Node objects; --nodes is then the profile's")(
      "pods-first", po::bool_switch(), "create the pods before the host starts: times binding alone")(
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
  RunOptions run_options;
  run_options.scoring = values["scoring"].as<std::string>();
  run_options.writers = values["writers"].as<int>();
  run_options.quiet_seconds = values["quiet"].as<int>();
  run_options.timeout_seconds = values["timeout"].as<int>();
  run_options.in_memory = values["in-memory"].as<bool>();
  run_options.sim_profile = values["sim-profile"].as<std::string>();
  run_options.pods_first = values["pods-first"].as<bool>();
  return run(workload, run_options);
}
