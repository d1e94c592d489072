// Steady-state cost of many DGDs (issue 5): creates N DGDs of 3 services
// (Frontend, decode, prefill; 1 replica each) through the API, times until
// the host has converged (3N pods and 3N adapters exist, every adapter's and
// DGD's status written for the current generation), then watches the host
// over an idle window: CPU (utime+stime from /proc, as % of one core), RSS
// and peak RSS, reconciles (its /metrics) and the API writes it makes, seen
// as watch events on everything it writes (pods, DGDs, adapters, events; the
// leader election Lease separately: its renewals are expected).
//
//   dgd_steady_state_bench [--dgds N] [--idle SECONDS] [--in-memory] [--host-log FILE]

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "bench/dgd/bench_cluster.hpp"
#include "lib/cli/command_line.hpp"

namespace {

namespace json = boost::json;
using dynop::test::field_text;
using Clock = std::chrono::steady_clock;

constexpr const char* kNamespace = "bench";
// Which objects of a kind are in their converged state, counted as events
// arrive; `events` counts every add, change and delete seen.
class Tally {
 public:
  void set(const std::string& name, bool good) {
    std::lock_guard guard(mutex_);
    ++events_;
    auto [it, added] = state_.emplace(name, good);
    if (!added) {
      good_ += static_cast<int>(good) - static_cast<int>(it->second);
      it->second = good;
    } else {
      good_ += static_cast<int>(good);
    }
  }
  void erase(const std::string& name) {
    std::lock_guard guard(mutex_);
    ++events_;
    auto it = state_.find(name);
    if (it == state_.end()) return;
    good_ -= static_cast<int>(it->second);
    state_.erase(it);
  }
  void count() {
    std::lock_guard guard(mutex_);
    ++events_;
  }
  int good() const {
    std::lock_guard guard(mutex_);
    return good_;
  }
  long events() const {
    std::lock_guard guard(mutex_);
    return events_;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bool> state_;
  int good_ = 0;
  long events_ = 0;
};

bool dgd_converged(const json::object& dgd) {
  const json::value doc(dgd);
  if (field_text(doc, {"status", "observedGeneration"}) !=
      field_text(doc, {"metadata", "generation"}))
    return false;
  for (const char* service : dynop::bench::kGraphServices) {
    if (field_text(doc, {"status", "services", service, "replicas"}) != "1") return false;
  }
  return true;
}

bool adapter_converged(const json::object& adapter) {
  const json::value doc(adapter);
  return field_text(doc, {"status", "replicas"}) == "1" &&
         field_text(doc, {"status", "selector"}) != "<missing>";
}

double seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

int main(int argc, char** argv) {
  int dgds = 1000;
  int idle_seconds = 60;
  std::string host_log;
  dynop::bench::BenchClusterOptions options;
  namespace po = boost::program_options;
  po::options_description flags("Flags", 100, 50);
  flags.add_options()("dgds", po::value(&dgds)->default_value(dgds)->value_name("N"),
                      "DGDs to create")(
      "idle", po::value(&idle_seconds)->default_value(idle_seconds)->value_name("SECONDS"),
      "idle window measured after they converge")("in-memory", po::bool_switch(&options.in_memory),
                                                  "cluster objects in memory, not SQLite")(
      "host-log", po::value(&host_log)->value_name("FILE"), "copy the host's log here");
  po::variables_map flag_values;
  if (auto exit_code = dynop::cli::parse_main(argc, argv, flags, "dgd_steady_state_bench",
                                              "[flags]", flag_values)) {
    return *exit_code;
  }
  options.namespaces = {kNamespace};
  dynop::bench::BenchCluster bench(options);
  if (!bench.ok()) {
    std::fprintf(stderr, "%s\n", bench.error().c_str());
    return 1;
  }
  auto& cluster = bench.cluster();

  std::mutex mutex;
  std::condition_variable changed;
  Tally pods, adapters, graphs, events, leases;
  auto notify = [&] {
    std::lock_guard guard(mutex);
    changed.notify_all();
  };
  const std::string ns = std::string("/namespaces/") + kNamespace;
  const std::string crd_path = "/apis/nvidia.com/v1alpha1" + ns;
  using dynop::bench::WatchFeed;
  // Objects of a kind into their tally: converged or not, gone when deleted.
  auto tally_into = [&](Tally& tally, bool (*converged)(const json::object&)) {
    return [&tally, converged, &notify](std::string_view type, const json::object& object) {
      const std::string name = dynop::bench::name_of(object);
      if (type == "DELETED" || dynop::bench::deleting(object)) {
        tally.erase(name);
      } else {
        tally.set(name, converged(object));
      }
      notify();
    };
  };
  WatchFeed pod_feed(cluster, "/api/v1" + ns + "/pods",
                     tally_into(pods, [](const json::object&) { return true; }));
  WatchFeed adapter_feed(cluster, crd_path + "/dynamographdeploymentscalingadapters",
                         tally_into(adapters, adapter_converged));
  WatchFeed dgd_feed(cluster, crd_path + "/dynamographdeployments",
                     tally_into(graphs, dgd_converged));
  WatchFeed event_feed(cluster, "/api/v1" + ns + "/events",
                       [&](auto, const auto&) { events.count(); });
  WatchFeed lease_feed(cluster, "/apis/coordination.k8s.io/v1/namespaces/dynop-system/leases",
                       [&](auto, const auto&) { leases.count(); });
  for (const WatchFeed* feed : {&pod_feed, &adapter_feed, &dgd_feed, &event_feed, &lease_feed}) {
    if (!feed->ok()) {
      std::fprintf(stderr, "%s\n", feed->error().c_str());
      return 1;
    }
  }

  const pid_t host_pid = bench.host().process().pid();
  const pid_t cluster_pid = cluster.process().pid();
  const auto host_before = dynop::bench::sample_process(host_pid);
  const auto cluster_before = dynop::bench::sample_process(cluster_pid);

  const auto start = Clock::now();
  if (auto failed = dynop::bench::create_graphs(cluster, kNamespace, dgds); !failed.empty()) {
    std::fprintf(stderr, "%s\n", failed.c_str());
    return 1;
  }
  const auto created = Clock::now();

  // Converge.
  const int want = 3 * dgds;
  auto converged = [&] {
    return pods.good() == want && adapters.good() == want && graphs.good() == dgds;
  };
  auto deadline = start + std::chrono::minutes(30);
  auto progress = Clock::now();
  {
    std::unique_lock lock(mutex);
    while (!converged()) {
      if (Clock::now() > deadline) {
        std::fprintf(stderr, "not converged after 30 minutes\n");
        return 1;
      }
      changed.wait_for(lock, std::chrono::seconds(1));
      if (Clock::now() - progress > std::chrono::seconds(10)) {
        progress = Clock::now();
        std::fprintf(stderr, "%.0f s: %d/%d pods, %d/%d adapters, %d/%d DGDs converged\n",
                     seconds(start, progress), pods.good(), want, adapters.good(), want,
                     graphs.good(), dgds);
      }
    }
  }
  const auto done = Clock::now();
  auto writes = [&] {
    return pods.events() + adapters.events() + graphs.events() + events.events();
  };
  const long converged_writes = writes();
  const auto host_converged = dynop::bench::sample_process(host_pid);
  const auto cluster_converged = dynop::bench::sample_process(cluster_pid);

  // A short grace period, then the idle window.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  const long grace_writes = writes();
  const long lease_start = leases.events();
  const auto metrics_start = bench.host().get("/metrics").body;
  const auto host_start = dynop::bench::sample_process(host_pid);
  const auto cluster_start = dynop::bench::sample_process(cluster_pid);
  const auto window_start = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(idle_seconds));
  const auto window_end = Clock::now();
  const auto host_end = dynop::bench::sample_process(host_pid);
  const auto cluster_end = dynop::bench::sample_process(cluster_pid);
  const auto metrics_end = bench.host().get("/metrics").body;
  const long idle_writes = writes() - grace_writes;
  const long lease_writes = leases.events() - lease_start;
  const double window = seconds(window_start, window_end);
  for (const WatchFeed* feed : {&pod_feed, &adapter_feed, &dgd_feed, &event_feed, &lease_feed}) {
    if (feed->ended()) {
      std::fprintf(stderr, "a watch ended early: the write counts are incomplete\n");
      return 1;
    }
  }

  std::printf("%d DGDs x 3 services (%d pods, %d adapters), %s storage\n", dgds, want, want,
              options.in_memory ? "in-memory" : "SQLite");
  std::printf("create (2 clients):          %.1f s\n", seconds(start, created));
  std::printf("converged, from first create: %.1f s (host CPU %.1f s, localcluster CPU %.1f s)\n",
              seconds(start, done), host_converged.cpu_seconds - host_before.cpu_seconds,
              cluster_converged.cpu_seconds - cluster_before.cpu_seconds);
  // Every object change seen, less the bench's own DGD creates.
  std::printf("writes until converged:       %ld (%.1f per DGD)\n", converged_writes - dgds,
              static_cast<double>(converged_writes - dgds) / dgds);
  std::printf("idle window %.0f s:\n", window);
  std::printf("  host CPU                    %.2f%% of one core\n",
              100 * (host_end.cpu_seconds - host_start.cpu_seconds) / window);
  std::printf("  host RSS / peak RSS         %.1f MiB / %.1f MiB\n", host_end.rss_kib / 1024.0,
              host_end.peak_rss_kib / 1024.0);
  const auto reconciles_start =
      dynop::bench::metric_samples(metrics_start, "dynop_reconcile_total");
  double reconciles = 0;
  std::string by_result;
  for (const auto& [labels, value] :
       dynop::bench::metric_samples(metrics_end, "dynop_reconcile_total")) {
    auto it = reconciles_start.find(labels);
    const double delta = value - (it == reconciles_start.end() ? 0 : it->second);
    reconciles += delta;
    if (delta > 0) by_result += fmt::format(" {} {:.0f};", labels, delta);
  }
  std::printf("  host reconciles             %.0f%s\n", reconciles, by_result.c_str());
  std::printf("  writes (pods, DGDs, adapters, events) %ld (%ld in the 5 s before)\n", idle_writes,
              grace_writes - converged_writes);
  std::printf("  Lease writes (renewals)     %ld\n", lease_writes);
  std::printf("  localcluster CPU            %.2f%% of one core, RSS %.1f MiB\n",
              100 * (cluster_end.cpu_seconds - cluster_start.cpu_seconds) / window,
              cluster_end.rss_kib / 1024.0);
  if (!host_log.empty()) std::ofstream(host_log) << bench.host().log();
  return 0;
}
