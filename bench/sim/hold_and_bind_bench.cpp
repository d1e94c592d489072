// dynop-sim at scale against the real dynop-localcluster, both real processes
// (release build), measuring two things in one run:
//
//   1. bind: `--burst` pods created at once with spec.nodeName set to
//      simulated nodes (as a binding leaves them): creates/s, and the time
//      from the first create until every one is Running (a pod watch times
//      each pod), against the profile's create delay (2 s in bench-5000.yaml).
//   2. hold: the rest of `--pods` created the same way; once all are Running
//      and Ready and `--settle` seconds have passed, a `--window` of steady
//      state: CPU cores used by each process (utime + stime from
//      /proc/PID/stat over the window), VmRSS and VmHWM, and the API writes
//      per second by resource (apiserver_request_total on localcluster's
//      /metrics, before and after the window): node Lease renewals and node
//      status writes are the heartbeats.
//
//   sim_hold_and_bind_bench [--profile F] [--pods N] [--burst N] [--window S]
//                           [--settle S] [--in-memory] [--kubelet-ports]
//
// Storage is SQLite (as `make run`) unless --in-memory. The sim runs without
// its admin endpoint and, unless --kubelet-ports, without its kubelet ports
// (HTTPS, /metrics/resource, which localcluster's metrics-server scrapes):
// the pods have no container ports, so then nothing listens on the simulated
// addresses. With --kubelet-ports the nodes take 127.80.0.0/16, apart from
// `make run`'s 127.64.0.0/16 and the tests' blocks (tests/support/sim_addresses.hpp).
// DYNOP_BINARY_DIR=<build tree> picks the binaries (the release tree when
// built there).

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "bench/support/process_sample.hpp"
#include "lib/cli/command_line.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "sim_hold_and_bind_bench: %s\n", message.c_str());
  std::exit(1);
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

// apiserver_request_total summed over response codes, by "VERB resource[/subresource]".
std::map<std::string, double> request_totals(dynop::test::LocalCluster& cluster) {
  auto r = cluster.get("/metrics");
  if (r.status != 200) die("GET /metrics: " + std::to_string(r.status));
  static const std::regex label(R"re((\w+)="([^"]*)")re");
  std::map<std::string, double> totals;
  for (const auto& [labels_text, value] :
       dynop::bench::metric_samples(r.body, "apiserver_request_total")) {
    std::map<std::string, std::string> labels;
    for (std::sregex_iterator it(labels_text.begin(), labels_text.end(), label), end; it != end;
         ++it) {
      labels[(*it)[1].str()] = (*it)[2].str();
    }
    std::string key = labels["verb"] + " " + labels["resource"];
    if (!labels["subresource"].empty()) key += "/" + labels["subresource"];
    totals[key] += value;
  }
  return totals;
}

// Counts pods of the namespace that reached Running and Ready, from a watch
// opened before the first create; times the first Running of each.
class PodWatch {
 public:
  PodWatch(dynop::test::LocalCluster& cluster, const std::string& ns) : cluster_(cluster) {
    auto list = cluster.get("/api/v1/namespaces/" + ns + "/pods");
    if (list.status != 200) die("list pods: " + list.body);
    resource_version_ = dynop::test::field_text(list.json(), {"metadata", "resourceVersion"});
    path_ = "/api/v1/namespaces/" + ns + "/pods?watch=1&allowWatchBookmarks=true";
    thread_ = std::thread([this] { run(); });
  }
  ~PodWatch() {
    stopping_ = true;
    {
      std::lock_guard lock(mutex_);
      if (stream_) stream_->cancel();
    }
    thread_.join();
  }

  std::size_t running() const { return running_; }
  std::size_t ready() const { return ready_; }
  // When the first and the latest pod became Running (the watch's clock).
  Clock::time_point first_running() const {
    std::lock_guard lock(mutex_);
    return first_running_;
  }
  Clock::time_point last_running() const {
    std::lock_guard lock(mutex_);
    return last_running_;
  }

 private:
  void run() {
    while (!stopping_) {
      auto result = cluster_.watch(path_ + "&resourceVersion=" + resource_version_);
      if (!result.ok() || result.head.status != 200 || !result.stream) {
        if (stopping_) return;
        std::this_thread::sleep_for(100ms);
        continue;
      }
      {
        std::lock_guard lock(mutex_);
        stream_ = std::move(result.stream);
        if (stopping_) return;
      }
      std::string line;
      while (stream_->next_line(line)) {
        if (line.empty()) continue;
        const json::value event = json::parse(line);
        const json::value& object = event.at("object");
        if (dynop::test::field_text(event, {"type"}) == "ERROR")
          die("pod watch: " + json::serialize(object));  // 410: fell behind the history
        resource_version_ = dynop::test::field_text(object, {"metadata", "resourceVersion"});
        if (dynop::test::field_text(event, {"type"}) == "BOOKMARK") continue;
        const std::string name = dynop::test::field_text(object, {"metadata", "name"});
        bool is_running = dynop::test::field_text(object, {"status", "phase"}) == "Running";
        bool is_ready = false;
        if (auto* conditions = object.at("status").as_object().if_contains("conditions")) {
          for (const auto& c : conditions->as_array()) {
            if (dynop::test::field_text(c, {"type"}) == "Ready")
              is_ready = dynop::test::field_text(c, {"status"}) == "True";
          }
        }
        auto& seen = seen_[name];
        if (is_running && !seen.running) {
          seen.running = true;
          ++running_;
          std::lock_guard lock(mutex_);
          last_running_ = Clock::now();
          if (running_ == 1) first_running_ = last_running_;
        }
        if (is_ready && !seen.ready) {
          seen.ready = true;
          ++ready_;
        }
      }
      std::lock_guard lock(mutex_);
      stream_.reset();
    }
  }

  struct Seen {
    bool running = false;
    bool ready = false;
  };
  dynop::test::LocalCluster& cluster_;
  std::string path_;
  std::string resource_version_;
  std::unordered_map<std::string, Seen> seen_;  // the watch thread's
  std::atomic<std::size_t> running_{0};
  std::atomic<std::size_t> ready_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::unique_ptr<dynop::net::LineStream> stream_;
  Clock::time_point first_running_;
  Clock::time_point last_running_;
  std::thread thread_;
};

// Creates pods [from, to) of the namespace, pod i on nodes[i % nodes.size()],
// from `writers` threads; returns the wall time of the first and last create.
std::pair<Clock::time_point, Clock::time_point> create_pods(dynop::test::LocalCluster& cluster,
                                                            const std::vector<std::string>& nodes,
                                                            int from, int to, int writers) {
  std::atomic<int> next{from};
  std::atomic<int> failures{0};
  const auto first = Clock::now();
  auto write = [&] {
    for (int i = next++; i < to; i = next++) {
      const std::string name = "pod-" + std::to_string(i);
      const json::object pod{
          {"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", {{"app", "sim-bench"}}}}},
          {"spec",
           {{"nodeName", nodes[static_cast<std::size_t>(i) % nodes.size()]},
            {"tolerations", json::array{{{"operator", "Exists"}}}},
            {"containers",
             json::array{
                 {{"name", "app"},
                  {"image", "registry.example/app:1"},
                  {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}}}}}}}}};
      auto created = cluster.post("/api/v1/namespaces/bench/pods", pod);
      if (created.status != 201 && failures++ == 0)
        std::fprintf(stderr, "create %s: %u %s\n", name.c_str(), created.status,
                     created.body.c_str());
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) threads.emplace_back(write);
  for (auto& t : threads) t.join();
  if (failures > 0) die(std::to_string(failures.load()) + " pod creates failed");
  return {first, Clock::now()};
}

}  // namespace

int main(int argc, char** argv) {
  std::string profile = dynop::test::source_path("sim/profiles/bench-5000.yaml");
  int pods = 10000;
  int burst = 1000;
  int window = 60;
  int settle = 20;
  int writers = 4;
  bool in_memory = false;
  bool kubelet_ports = false;
  namespace po = boost::program_options;
  po::options_description flags("Flags", 100, 50);
  flags.add_options()("profile", po::value(&profile)->value_name("FILE"),
                      "dynop-sim's cluster profile (default sim/profiles/bench-5000.yaml)")(
      "pods", po::value(&pods)->default_value(pods)->value_name("N"), "pods held")(
      "burst", po::value(&burst)->default_value(burst)->value_name("N"),
      "pods created at once first, timed until all are Running")(
      "window", po::value(&window)->default_value(window)->value_name("S"),
      "seconds of steady state measured")(
      "settle", po::value(&settle)->default_value(settle)->value_name("S"),
      "seconds waited after every pod is Ready before the window")(
      "writers", po::value(&writers)->default_value(writers)->value_name("N"),
      "client threads creating pods")("in-memory", po::bool_switch(&in_memory),
                                      "localcluster keeps objects in memory, not SQLite")(
      "kubelet-ports", po::bool_switch(&kubelet_ports),
      "the sim serves every node's kubelet port, which localcluster scrapes");
  po::variables_map values;
  if (auto exit_code =
          dynop::cli::parse_main(argc, argv, flags, "sim_hold_and_bind_bench", "[flags]", values)) {
    return *exit_code;
  }
  if (burst < 1 || pods < burst || window < 1 || writers < 1)
    die("need 1 <= --burst <= --pods, --window >= 1, --writers >= 1");

  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when redirected to a file
  std::printf("load average at start: %s\n", load_average().c_str());
  dynop::test::LocalCluster::Options cluster_options;
  cluster_options.in_memory = in_memory;
  dynop::test::LocalCluster cluster(cluster_options);
  if (!cluster.ok()) die("localcluster: " + cluster.error());
  auto ns = cluster.post(
      "/api/v1/namespaces",
      json::object{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "bench"}}}});
  if (ns.status != 201) die("namespace: " + ns.body);

  dynop::test::SpawnOptions sim_env;
  sim_env.unset_env = {"KUBECONFIG", "KUBERNETES_SERVICE_HOST"};
  std::string error;
  const auto sim_start = Clock::now();
  std::vector<std::string> sim_args = {
      "--nodes",         profile, "--kubeconfig", cluster.kubeconfig(),
      "--admin-address", "",      "--log-level",  "warn"};
  if (kubelet_ports) {
    sim_args.insert(sim_args.end(), {"--node-cidr", "127.80.0.0/16"});
  } else {
    sim_args.insert(sim_args.end(), {"--serve-kubelet-ports", "false"});
  }
  auto sim = dynop::test::Process::spawn(dynop::test::binary_path("bin/dynop-sim"), sim_args, error,
                                         sim_env);
  if (!sim) die("cannot start dynop-sim: " + error);
  auto node_count = sim->wait_for_match(std::regex(R"(dynop-sim is ready: (\d+) nodes)"), 600s,
                                        dynop::test::Stream::kStdout);
  if (!node_count) die("dynop-sim did not get ready:\n" + sim->stderr_text());
  std::printf("dynop-sim ready: %s nodes registered in %.1f s\n", node_count->c_str(),
              seconds_between(sim_start, Clock::now()));

  std::vector<std::string> nodes;
  for (const auto& node : dynop::test::items(cluster.get("/api/v1/nodes"))) {
    nodes.push_back(dynop::test::field_text(node, {"metadata", "name"}));
  }
  if (nodes.empty()) die("no nodes listed");

  PodWatch watch(cluster, "bench");
  const auto [burst_first, burst_last] = create_pods(cluster, nodes, 0, burst, writers);
  if (!dynop::test::eventually([&] { return watch.running() >= static_cast<std::size_t>(burst); },
                               300))
    die("only " + std::to_string(watch.running()) + " of the burst's pods ran");
  const double create_s = seconds_between(burst_first, burst_last);
  const double to_running_s = seconds_between(burst_first, watch.last_running());
  const double running_spread_s = seconds_between(watch.first_running(), watch.last_running());
  std::printf(
      "bind: %d pods created in %.2f s (%.0f creates/s); first create -> all Running %.2f s, "
      "last create -> all Running %.2f s; first -> last Running %.2f s (%.0f pods/s); load %s\n",
      burst, create_s, burst / create_s, to_running_s,
      seconds_between(burst_last, watch.last_running()), running_spread_s, burst / running_spread_s,
      load_average().c_str());

  const auto [rest_first, rest_last] = create_pods(cluster, nodes, burst, pods, writers);
  if (!dynop::test::eventually([&] { return watch.ready() >= static_cast<std::size_t>(pods); },
                               900))
    die("only " + std::to_string(watch.ready()) + " of " + std::to_string(pods) + " pods Ready");
  std::printf("hold: %d more pods created at %.0f/s; all %d Running and Ready %.1f s after\n",
              pods - burst, (pods - burst) / seconds_between(rest_first, rest_last), pods,
              seconds_between(rest_last, Clock::now()));
  std::this_thread::sleep_for(std::chrono::seconds(settle));

  const pid_t cluster_pid = cluster.process().pid();
  const pid_t sim_pid = sim->pid();
  const auto requests_before = request_totals(cluster);
  const auto cluster_before = dynop::bench::sample_process(cluster_pid);
  const auto sim_before = dynop::bench::sample_process(sim_pid);
  const auto window_start = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(window));
  const auto cluster_after = dynop::bench::sample_process(cluster_pid);
  const auto sim_after = dynop::bench::sample_process(sim_pid);
  const double elapsed = seconds_between(window_start, Clock::now());
  const auto requests_after = request_totals(cluster);
  const double cluster_cpu = cluster_after.cpu_seconds - cluster_before.cpu_seconds;
  const double sim_cpu = sim_after.cpu_seconds - sim_before.cpu_seconds;

  std::printf("steady state over %.1f s (%zu nodes, %d pods), load %s:\n", elapsed, nodes.size(),
              pods, load_average().c_str());
  for (const auto& [name, after, cpu] :
       {std::tuple{"dynop-localcluster", cluster_after, cluster_cpu},
        std::tuple{"dynop-sim", sim_after, sim_cpu}}) {
    std::printf("  %-19s %.3f cores  VmRSS %ld MiB  VmHWM %ld MiB\n", name, cpu / elapsed,
                after.rss_kib / 1024, after.peak_rss_kib / 1024);
  }
  std::printf("  both                %.3f cores\n", (cluster_cpu + sim_cpu) / elapsed);
  std::printf("  API requests/s by verb and resource in the window:\n");
  for (const auto& [key, after] : requests_after) {
    auto before = requests_before.find(key);
    const double delta = after - (before == requests_before.end() ? 0 : before->second);
    if (delta > 0) std::printf("    %-40s %8.1f/s\n", key.c_str(), delta / elapsed);
  }

  sim->signal(SIGTERM);
  if (sim->wait(60s) != 0) die("dynop-sim did not stop cleanly:\n" + sim->stderr_text());
  return 0;
}
