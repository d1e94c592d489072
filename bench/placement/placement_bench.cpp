// GPU placement decisions in process: the host's scheduling loop
// (host/scheduler) with the real gpu-scheduler plugin driven through the C
// ABI, on a generated cluster (workload.hpp), everything on this one thread.
// The API server is a stand-in that accepts every binding at once (what it
// costs is what placement_e2e_bench measures), so the figures are the
// scheduler's own. All pods are pending when the scheduler starts, as after
// 10,000 pods were created at once.
//
//   placement_bench [--nodes 5000] [--pods 10000] [--gangs 500] [--max-single-gpus 8]
//                   [--scoring binpack|spread] [--seed 1]
//                   [--reserve-pinned-gpu-products true|false]
//
// Reported: decisions per second of the scheduling thread's CPU time (a
// decision is a pod placed or found unschedulable; time is frozen, so no
// pod is retried after a backoff and each is decided once; the CPU time is
// the whole run's, taking in the nodes and pods and finishing bindings
// included), p50/p99/max per decision in the thread's CPU time and in wall
// time (from the start of its cycle to its end; a gang's cycle is divided
// among its members; wall time includes what other processes take of the
// core), digests of where every pod was bound and of every FailedScheduling
// message (equal digests: the same decisions and texts), the GPUs left
// stranded (free on nodes where no pending pod fits), and the share of
// gangs placed inside one NVLink domain, and how many of the pods pinned to
// H200 were bound.

#include <time.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <dynop/sdk/export.hpp>
#include <dynop/sdk/testing/fake_host.hpp>
#include <map>
#include <string>
#include <vector>

#include "bench/placement/workload.hpp"
#include "host/scheduler/scheduler.hpp"
#include "lib/cli/command_line.hpp"
#include "lib/clock/clock.hpp"
#include "plugins/common/names.hpp"
#include "plugins/gpu-scheduler/gpu_scheduler_plugin.hpp"

namespace {

using namespace dynop;
using namespace dynop::host::scheduler;

constexpr const char* kScheduler = "dynop-gpu-scheduler";

// Accepts every binding; remembers where each pod went.
class InstantApi : public SchedulerClient {
 public:
  WriteOutcome bind(const PodInfo& pod, std::string_view node) override {
    bound[pod.key()] = std::string(node);
    return {};
  }
  WriteOutcome annotate(const PodInfo&, std::string_view, std::string_view) override { return {}; }
  WriteOutcome delete_pod(const PodInfo&) override { return {}; }
  void set_unschedulable(const PodInfo& pod, std::string_view message) override {
    ++unschedulable;
    messages[pod.key()] = std::string(message);
  }
  void record_event(const PodInfo&, std::string_view, std::string_view, std::string_view) override {
  }
  std::map<std::string, std::string> bound;
  std::size_t unschedulable = 0;
  std::map<std::string, std::string> messages;  // pod -> its last FailedScheduling message
};

// FNV-1a over "key=value;" pairs: two runs made the same decisions (or wrote
// the same messages) when their digests are equal.
uint64_t digest(const std::map<std::string, std::string>& pairs) {
  uint64_t h = 14695981039346656037ull;
  auto add = [&](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  };
  for (const auto& [key, value] : pairs) {
    add(key);
    add("=");
    add(value);
    add(";");
  }
  return h;
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

int run(const bench::WorkloadOptions& workload_options, const std::string& scoring,
        bool reserve_pinned) {
  const bench::Workload w = bench::make_workload(workload_options);
  sdk::testing::FakeHost host;
  const dynop_plugin_descriptor& d =
      *sdk::detail::Exported<plugins::gpu_scheduler::GpuSchedulerPlugin>::entry();
  const std::string config = "scoring: " + scoring + "\nreserve_pinned_gpu_products: " +
                             (reserve_pinned ? "true" : "false");
  dynop_status error{};
  dynop_plugin* instance = d.lifecycle.init(host.raw(), config.data(), config.size(), &error);
  if (instance == nullptr) {
    std::fprintf(stderr, "gpu-scheduler: %.*s\n", static_cast<int>(error.message.size),
                 error.message.data);
    return 1;
  }
  auto spec = sdk::testing::out_struct<dynop_placement_spec>();
  d.placement->describe(instance, &spec);
  PlacementHooksInfo info;
  info.plugin = "gpu-scheduler";
  info.scheduler_name = kScheduler;
  info.nodes_to_score = spec.nodes_to_score;
  info.abi_minor = d.abi_minor;
  info.hooks = *d.placement;
  info.instance = instance;
  std::vector<std::unique_ptr<PlacementPlugin>> profiles;
  profiles.push_back(make_placement_plugin(std::move(info), nullptr, nullptr));

  InstantApi api;
  std::deque<std::function<void()>> tasks;
  // Per decision: wall time (from the scheduler) and this thread's CPU time
  // since its cycle started (on_cycle_start).
  std::vector<double> per_pod_us, per_pod_cpu_us;
  double cpu_mark = 0;
  // Time stands still: a pod found unschedulable is not tried again when its
  // backoff expires (that would depend on how busy the machine is), only
  // when the cluster changes; so each pod is decided once.
  clock::FakeClock clock;
  SchedulerOptions options;
  options.clock = &clock;
  options.executor = [&](std::function<void()> task) { tasks.push_back(std::move(task)); };
  options.on_cycle_start = [&] { cpu_mark = thread_cpu_seconds(); };
  options.on_cycle = [&](std::size_t count, std::chrono::nanoseconds elapsed) {
    const double cpu_now = thread_cpu_seconds();
    const double n = static_cast<double>(std::max<std::size_t>(count, 1));
    const double us = std::chrono::duration<double, std::micro>(elapsed).count() / n;
    const double cpu_us = (cpu_now - cpu_mark) * 1e6 / n;
    for (std::size_t i = 0; i < count; ++i) {
      per_pod_us.push_back(us);
      per_pod_cpu_us.push_back(cpu_us);
    }
  };
  Scheduler scheduler(options, api, std::move(profiles));

  // The cluster.
  for (const bench::BenchNode& b : w.nodes) {
    NodeInfo n;
    n.name = b.name;
    n.ready = true;
    n.labels = {{"nvidia.com/gpu.clique", b.clique},
                {"nvidia.com/gpu.count", std::to_string(bench::kGpusPerNode)},
                {"nvidia.com/gpu.product", b.product},
                {"topology.kubernetes.io/rack", b.rack}};
    n.allocatable = {{"cpu", 128000},
                     {"memory", int64_t{1} << 40},
                     {"nvidia.com/gpu", bench::kGpusPerNode},
                     {"pods", 110}};
    if (b.tainted) n.taints = {{bench::kTaintKey, bench::kTaintValue, DYNOP_TAINT_NO_SCHEDULE}};
    scheduler.node_changed(std::move(n));
  }
  // The pods, as the dgd plugin would create them.
  std::vector<PodInfo> created;
  int64_t created_us = 1;
  for (const bench::BenchPod& b : w.pods) {
    PodInfo p;
    p.ns = "bench";
    p.name = b.name;
    p.uid = "uid-" + b.name;
    p.scheduler_name = kScheduler;
    p.created_us = created_us++;
    p.requests = {{"cpu", 4000}, {"memory", int64_t{64} << 30}, {"nvidia.com/gpu", b.gpus}};
    p.labels = {{std::string(plugins::common::kLabelDgdName), b.graph}};
    if (!b.group.empty()) {
      p.labels.emplace_back(std::string(plugins::common::kLabelGroup), b.group);
      p.labels.emplace_back(std::string(plugins::common::kLabelGroupSize),
                            std::to_string(b.group_size));
    }
    std::sort(p.labels.begin(), p.labels.end());
    if (b.wants_h200)
      p.required_node_affinity = {NodeSelectorTerm{
          {SelectorRequirement{"nvidia.com/gpu.product", DYNOP_SELECTOR_IN, {bench::kH200}}}, {}}};
    if (b.tolerates)
      p.tolerations = {TolerationInfo{bench::kTaintKey, DYNOP_TOLERATION_EQUAL, bench::kTaintValue,
                                      DYNOP_TAINT_NO_SCHEDULE}};
    created.push_back(std::move(p));
  }
  for (PodInfo& p : created) scheduler.pod_changed(std::move(p));
  scheduler.caches_synced();

  // Schedule everything, bindings included (InstantApi), on this thread.
  const double cpu0 = thread_cpu_seconds();
  const auto wall0 = std::chrono::steady_clock::now();
  for (;;) {
    bool did = scheduler.run_once();
    while (!tasks.empty()) {
      tasks.front()();
      tasks.pop_front();
      did = true;
    }
    if (!did) break;
  }
  const double cpu = thread_cpu_seconds() - cpu0;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const SchedulerStats stats = scheduler.stats();

  std::map<std::string, std::string> placed;
  for (const auto& [key, node] : api.bound) placed[key.substr(key.find('/') + 1)] = node;
  const bench::PlacementQuality q = bench::placement_quality(w, placed);

  auto pct = [](std::vector<double> values, double fraction) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, static_cast<std::size_t>(fraction * values.size()))];
  };
  const std::size_t decisions = per_pod_us.size();
  std::printf("scoring=%s nodes=%zu gpus=%lld pods=%zu (gangs=%d, %zu gang pods) seed=%u\n",
              scoring.c_str(), w.nodes.size(), static_cast<long long>(q.gpus), w.pods.size(),
              w.gangs, w.gang_pods, workload_options.seed);
  std::printf("decisions=%zu bound=%zu unschedulable_cycles=%llu in cpu %.3f s, wall %.3f s\n",
              decisions, api.bound.size(), static_cast<unsigned long long>(stats.unschedulable),
              cpu, wall);
  std::printf("decisions/s (CPU) = %.0f\n", static_cast<double>(decisions) / cpu);
  std::printf("digests: bindings %016llx, FailedScheduling messages %016llx (%zu pods)\n",
              static_cast<unsigned long long>(digest(api.bound)),
              static_cast<unsigned long long>(digest(api.messages)), api.messages.size());
  std::printf("per decision, CPU: p50 %.1f us, p99 %.1f us, max %.1f us\n",
              pct(per_pod_cpu_us, 0.50), pct(per_pod_cpu_us, 0.99), pct(per_pod_cpu_us, 1.0));
  std::printf("per decision, wall: p50 %.1f us, p99 %.1f us, max %.1f us\n", pct(per_pod_us, 0.50),
              pct(per_pod_us, 0.99), pct(per_pod_us, 1.0));
  if (!per_pod_cpu_us.empty()) {
    const auto worst = std::max_element(per_pod_cpu_us.begin(), per_pod_cpu_us.end());
    std::printf("the most CPU: decision %zu of %zu\n",
                static_cast<std::size_t>(worst - per_pod_cpu_us.begin()) + 1, decisions);
  }
  std::printf("GPUs free %lld, stranded %lld (%.2f%% of all GPUs)\n",
              static_cast<long long>(q.free), static_cast<long long>(q.stranded),
              100.0 * static_cast<double>(q.stranded) / static_cast<double>(q.gpus));
  std::printf("gangs placed %zu of %d, inside one NVLink domain %zu (%.1f%%)\n", q.gangs_placed,
              w.gangs, q.gangs_in_one_domain,
              q.gangs_placed == 0 ? 0.0
                                  : 100.0 * static_cast<double>(q.gangs_in_one_domain) /
                                        static_cast<double>(q.gangs_placed));
  std::size_t pinned = 0, pinned_bound = 0;
  for (const bench::BenchPod& b : w.pods) {
    if (!b.wants_h200) continue;
    ++pinned;
    if (placed.contains(b.name)) ++pinned_bound;
  }
  std::printf("pods pinned to H200: bound %zu of %zu (reserve_pinned_gpu_products: %s)\n",
              pinned_bound, pinned, reserve_pinned ? "true" : "false");
  d.lifecycle.destroy(instance);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  po::options_description flags("Flags");
  flags.add_options()("nodes", po::value<int>()->default_value(5000), "8-GPU nodes")(
      "pods", po::value<int>()->default_value(10000), "pending pods")(
      "gangs", po::value<int>()->default_value(500), "multinode groups of 2-4 pods among them")(
      "max-single-gpus", po::value<int64_t>()->default_value(8), "largest single pod (1, 2, 4, 8)")(
      "scoring", po::value<std::string>()->default_value("binpack"), "binpack or spread")(
      "seed", po::value<unsigned>()->default_value(1), "random seed")(
      "reserve-pinned-gpu-products", po::value<bool>()->default_value(true),
      "the plugin's reserve_pinned_gpu_products option");
  po::variables_map values;
  if (auto code = dynop::cli::parse_main(argc, argv, flags, "placement_bench", "[flags]", values))
    return *code;
  dynop::bench::WorkloadOptions workload;
  workload.nodes = values["nodes"].as<int>();
  workload.pods = values["pods"].as<int>();
  workload.gangs = values["gangs"].as<int>();
  workload.seed = values["seed"].as<unsigned>();
  workload.max_single_gpus = values["max-single-gpus"].as<int64_t>();
  return run(workload, values["scoring"].as<std::string>(),
             values["reserve-pinned-gpu-products"].as<bool>());
}
