// `kubectl scale dgdsa` to pods created (design.md goal: p99 <= 100 ms on
// dynop-localcluster). With the guide's sglang-agg example converged, each
// trial PATCHes the decode adapter's /scale to 10 replicas exactly as kubectl
// scale does (merge patch {"spec":{"replicas":10}}, trace 06-kubectl-05) and
// times, from just before the request is sent, until a pod watch has seen
// all 10 decode pods; then scales back to 1 and waits for 1 pod and settled
// statuses. The stages of the chain are timed from the same watches:
//   write     the /scale PATCH answered
//   dgd       the DGD's decode replicas changed (dgdsa plugin's write seen)
//   first pod the first new decode pod seen (dgd plugin's first create)
//   all pods  the 10th decode pod seen
//
// --background N first creates N other DGDs of 3 services (3N pods) in
// namespace "bench" and waits for the host to be idle again, so the chain is
// timed with a loaded cache. The admission webhook is registered as `make run`
// has it (BenchClusterOptions::admission_webhook): the adapter's /scale write
// and the dgdsa plugin's DGD write are both reviewed by webhook.so over HTTPS
// on the way; --without-webhook leaves it out.
//
//   dgd_scale_latency_bench [--trials N] [--replicas N] [--background N] [--in-memory]
//                           [--without-webhook]

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "bench/dgd/bench_cluster.hpp"
#include "lib/cli/command_line.hpp"
#include "tests/support/paths.hpp"

namespace {

namespace json = boost::json;
using dynop::bench::percentile;
using Clock = std::chrono::steady_clock;

constexpr const char* kAdapter =
    "/apis/nvidia.com/v1alpha1/namespaces/default/dynamographdeploymentscalingadapters/"
    "sglang-agg-decode";
constexpr const char* kDgd =
    "/apis/nvidia.com/v1alpha1/namespaces/default/dynamographdeployments/sglang-agg";

// What the watches have seen of the example's decode service.
struct Observed {
  std::mutex mutex;
  std::condition_variable changed;
  std::set<std::string> pods;  // decode pods not being deleted
  Clock::time_point first_added{};
  Clock::time_point count_reached{};  // when pods.size() last became `target`
  std::size_t target = 0;
  std::string dgd_replicas;
  Clock::time_point dgd_changed{};

  void on_pod(std::string_view type, const json::object& pod) {
    const std::string name = dynop::bench::name_of(pod);
    if (!name.starts_with("sglang-agg-decode-")) return;
    const auto now = Clock::now();
    std::lock_guard guard(mutex);
    const std::size_t before = pods.size();
    if (type == "DELETED" || dynop::bench::deleting(pod)) {
      pods.erase(name);
    } else if (pods.insert(name).second && first_added == Clock::time_point{}) {
      first_added = now;
    }
    if (pods.size() != before && pods.size() == target) count_reached = now;
    changed.notify_all();
  }
  void on_dgd(std::string_view, const json::object& dgd) {
    std::string replicas =
        dynop::test::field_text(json::value(dgd), {"spec", "services", "decode", "replicas"});
    const auto now = Clock::now();
    std::lock_guard guard(mutex);
    if (replicas != dgd_replicas) {
      dgd_replicas = std::move(replicas);
      dgd_changed = now;
    }
  }
  // Blocks until exactly `n` decode pods exist; false after `timeout`.
  bool wait_for(std::size_t n, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return pods.size() == n; });
  }
};

double ms(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

struct Trial {
  double write = 0;
  double dgd = 0;
  double first_pod = 0;
  double all_pods = 0;
};

bool scale_to(dynop::test::LocalCluster& cluster, int replicas) {
  auto r = cluster.patch(std::string(kAdapter) + "/scale",
                         R"({"spec":{"replicas":)" + std::to_string(replicas) + "}}");
  if (r.status != 200) std::fprintf(stderr, "PATCH /scale: %u %s\n", r.status, r.body.c_str());
  return r.status == 200;
}

// Statuses of the previous step written (adapter status.replicas, DGD
// status.services.decode.replicas), so a trial starts from a quiet host.
bool settled(dynop::test::LocalCluster& cluster, int replicas) {
  const std::string want = std::to_string(replicas);
  return dynop::test::eventually(
      [&] {
        return dynop::test::field_text(cluster.get(kAdapter).json(), {"status", "replicas"}) ==
                   want &&
               dynop::test::field_text(cluster.get(kDgd).json(),
                                       {"status", "services", "decode", "replicas"}) == want;
      },
      30);
}

// N DGDs in namespace "bench" (made by BenchCluster), their 3N pods seen, and the host's work
// queues empty for a second.
bool load_background(dynop::bench::BenchCluster& bench, int graphs) {
  auto& cluster = bench.cluster();
  std::mutex mutex;
  std::condition_variable changed;
  std::set<std::string> pods;
  dynop::bench::WatchFeed feed(cluster, "/api/v1/namespaces/bench/pods",
                               [&](std::string_view type, const json::object& pod) {
                                 std::lock_guard guard(mutex);
                                 if (type == "DELETED") {
                                   pods.erase(dynop::bench::name_of(pod));
                                 } else {
                                   pods.insert(dynop::bench::name_of(pod));
                                 }
                                 changed.notify_all();
                               });
  if (!feed.ok()) {
    std::fprintf(stderr, "%s\n", feed.error().c_str());
    return false;
  }
  if (auto failed = dynop::bench::create_graphs(cluster, "bench", graphs); !failed.empty()) {
    std::fprintf(stderr, "%s\n", failed.c_str());
    return false;
  }
  {
    std::unique_lock lock(mutex);
    if (!changed.wait_for(lock, std::chrono::minutes(10),
                          [&] { return pods.size() == 3u * static_cast<std::size_t>(graphs); })) {
      std::fprintf(stderr, "%zu of %d background pods after 10 minutes\n", pods.size(), 3 * graphs);
      return false;
    }
  }
  int quiet = 0;
  for (int poll = 0; poll < 1200 && quiet < 5; ++poll) {
    double depth = 0;
    for (const auto& [labels, value] :
         dynop::bench::metric_samples(bench.host().get("/metrics").body, "workqueue_depth"))
      depth += value;
    quiet = depth == 0 ? quiet + 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf("background: %d DGDs, %d pods\n", graphs, 3 * graphs);
  return quiet >= 5;
}

}  // namespace

int main(int argc, char** argv) {
  int trials = 100;
  int replicas = 10;
  int background = 0;
  bool without_webhook = false;
  dynop::bench::BenchClusterOptions options;
  namespace po = boost::program_options;
  po::options_description flags("Flags", 100, 50);
  flags.add_options()("trials", po::value(&trials)->default_value(trials)->value_name("N"),
                      "scale-ups measured")(
      "replicas", po::value(&replicas)->default_value(replicas)->value_name("N"),
      "replicas each trial scales to")(
      "background", po::value(&background)->default_value(background)->value_name("N"),
      "other DGDs (3 pods each) created first")("in-memory", po::bool_switch(&options.in_memory),
                                                "cluster objects in memory, not SQLite")(
      "without-webhook", po::bool_switch(&without_webhook),
      "no admission webhook registered (the 2026-11-28 setup)");
  po::variables_map flag_values;
  if (auto exit_code = dynop::cli::parse_main(argc, argv, flags, "dgd_scale_latency_bench",
                                              "[flags]", flag_values)) {
    return *exit_code;
  }
  options.admission_webhook = !without_webhook;
  if (background > 0) options.namespaces = {"bench"};
  dynop::bench::BenchCluster bench(options);
  if (!bench.ok()) {
    std::fprintf(stderr, "%s\n", bench.error().c_str());
    return 1;
  }
  auto& cluster = bench.cluster();
  if (background > 0 && !load_background(bench, background)) return 1;
  if (auto failed = bench.kubectl(
          {"apply", "-f", dynop::test::source_path("examples/backends/sglang/deploy/agg.yaml")});
      !failed.empty()) {
    std::fprintf(stderr, "kubectl apply: %s\n", failed.c_str());
    return 1;
  }
  Observed seen;
  dynop::bench::WatchFeed pods(cluster, "/api/v1/namespaces/default/pods",
                               [&](auto type, const auto& pod) { seen.on_pod(type, pod); });
  dynop::bench::WatchFeed dgds(
      cluster, "/apis/nvidia.com/v1alpha1/namespaces/default/dynamographdeployments",
      [&](auto type, const auto& dgd) { seen.on_dgd(type, dgd); });
  if (!pods.ok() || !dgds.ok()) {
    std::fprintf(stderr, "%s%s\n", pods.error().c_str(), dgds.error().c_str());
    return 1;
  }
  if (!seen.wait_for(1, std::chrono::seconds(60)) || !settled(cluster, 1)) {
    std::fprintf(stderr, "the example did not converge:\n%s\n", bench.host().log().c_str());
    return 1;
  }

  std::printf("admission webhook: %s\n",
              without_webhook ? "not registered"
                              : "registered as `make run` has it (webhook.so over HTTPS)");
  std::vector<Trial> results;
  // Trial 0 warms up (connections, template caches) and is not counted.
  for (int trial = 0; trial <= trials; ++trial) {
    {
      std::lock_guard guard(seen.mutex);
      seen.first_added = {};
      seen.count_reached = {};
      seen.target = static_cast<std::size_t>(replicas);
    }
    const auto sent = Clock::now();
    if (!scale_to(cluster, replicas)) return 1;
    const auto answered = Clock::now();
    if (!seen.wait_for(static_cast<std::size_t>(replicas), std::chrono::seconds(60))) {
      std::fprintf(stderr, "trial %d: %d decode pods never appeared\n%s\n", trial, replicas,
                   bench.host().log().c_str());
      return 1;
    }
    {
      std::lock_guard guard(seen.mutex);
      if (trial > 0)
        results.push_back({ms(sent, answered), ms(sent, seen.dgd_changed),
                           ms(sent, seen.first_added), ms(sent, seen.count_reached)});
      seen.target = 1;
    }
    if (!scale_to(cluster, 1) || !seen.wait_for(1, std::chrono::seconds(60)) ||
        !settled(cluster, 1)) {
      std::fprintf(stderr, "trial %d: scaling back to 1 did not settle\n%s\n", trial,
                   bench.host().log().c_str());
      return 1;
    }
  }

  auto column = [&](double Trial::*field) {
    std::vector<double> values;
    for (const Trial& t : results) values.push_back(t.*field);
    return values;
  };
  std::printf("/scale 1 -> %d on sglang-agg decode, %zu trials (%s storage)\n", replicas,
              results.size(), options.in_memory ? "in-memory" : "SQLite");
  std::printf("%-34s %9s %9s %9s\n", "from the /scale PATCH sent to", "p50 ms", "p99 ms", "max ms");
  const std::pair<const char*, double Trial::*> rows[] = {
      {"PATCH answered", &Trial::write},
      {"DGD decode replicas updated", &Trial::dgd},
      {"first decode pod seen", &Trial::first_pod},
      {"all decode pods seen", &Trial::all_pods}};
  for (const auto& [label, field] : rows) {
    auto values = column(field);
    std::printf("%-34s %9.2f %9.2f %9.2f\n", label, percentile(values, 0.5),
                percentile(values, 0.99), percentile(values, 1.0));
  }
  // Evidence that the webhook was on the path: the host's own count of reviews.
  double reviews = 0;
  for (const auto& [labels, value] : dynop::bench::metric_samples(
           bench.host().get("/metrics").body, "dynop_admission_requests_total")) {
    reviews += value;
  }
  std::printf("admission reviews answered by the host: %.0f\n", reviews);
  return 0;
}
