// Cache memory per pod in the running dynop host process: the real dynop
// binary against a real dynop-localcluster holding N pods of the shared
// ~4.2 KB shape (bench-data, status written through the status subresource,
// each owned by one ConfigMap), with
//   - the pod-cache bench plugin caching whole pods (minus managedFields),
//   - the same plugin caching the fields the dgd and dgdsa plugins ask for,
//   - the real dgd plugin (its pods cached with those fields),
// measured from /proc: VmRSS (/proc/PID/status) and Anonymous
// (/proc/PID/smaps_rollup: the malloc heap, arenas and thread stacks, i.e.
// no mapped files) once the Pod informer holds all N pods, minus the same
// host's figures against the cluster before any pod was created, divided by
// N. Everything the cache costs is in it: objects, store, indexes, and the
// informer's decode buffers. Each host is restarted per round; medians.
//
//   runtime_host_cache_memory [--pods N] [--rounds N]     (defaults 20000, 3)
//   DYNOP_BINARY_DIR=<build tree> picks the dynop binary and plugins.

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/runtime/bench_data.hpp"
#include "lib/cli/command_line.hpp"
#include "lib/net/http_client.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace json = boost::json;
namespace net = dynop::net;
using namespace std::chrono_literals;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "host_cache_memory: %s\n", message.c_str());
  std::exit(1);
}

struct Mode {
  const char* label;
  std::string plugin_dir;
  const char* plugin;
  const char* config;  // the plugin's section, "" for none
};

struct Memory {
  long rss_kib = 0;
  long anonymous_kib = 0;
};

long field_kib(const std::string& file, const std::string& field) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  die("no " + field + " in " + file);
}

Memory memory_of(pid_t pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  return {field_kib(proc + "/status", "VmRSS"), field_kib(proc + "/smaps_rollup", "Anonymous")};
}

// The value of dynop_informer_objects{resource="pods"} on the host's /metrics
// (-1 when absent).
double cached_pods(net::HttpClient& http, const std::string& address) {
  net::ClientRequest request;
  request.url = "http://" + address + "/metrics";
  auto r = http.request(request);
  if (!r.ok() || !r.response) return -1;
  std::smatch match;
  static const std::regex line(
      R"(dynop_informer_objects\{[^}]*resource="pods"[^}]*\} ([0-9.e+]+))");
  return std::regex_search(r.response->body, match, line) ? std::stod(match[1].str()) : -1;
}

// Starts the host, waits until its Pod cache holds `pods`, measures, stops it.
Memory measure(const dynop::test::LocalCluster& cluster, const dynop::test::TempDir& dir,
               const Mode& mode, int pods) {
  std::vector<std::string> args = {
      "--kubeconfig", cluster.kubeconfig(), "--plugin-dir", mode.plugin_dir,       "--plugins",
      mode.plugin,    "--metrics-address",  "127.0.0.1:0",  "--leader-elect=false"};
  if (*mode.config) {
    args.push_back("--config");
    args.push_back(
        dir.write(std::string(mode.plugin) + ".yaml",
                  "pluginConfig:\n  " + std::string(mode.plugin) + ":\n    " + mode.config + "\n"));
  }
  dynop::test::SpawnOptions options;
  options.unset_env = {"KUBECONFIG", "KUBERNETES_SERVICE_HOST"};
  std::string error;
  auto host =
      dynop::test::Process::spawn(dynop::test::binary_path("bin/dynop"), args, error, options);
  if (!host) die("cannot start dynop: " + error);
  auto address = host->wait_for_match(
      std::regex(R"(serving metrics and health on http://([0-9.]+:[0-9]+))"), 60s);
  if (!address) die("dynop did not start:\n" + host->stderr_text());
  auto http = net::HttpClient::create({}, error);
  if (!http) die(error);
  const auto deadline = std::chrono::steady_clock::now() + 300s;
  while (cached_pods(*http, *address) != pods) {
    if (std::chrono::steady_clock::now() > deadline)
      die("the host's Pod cache never held " + std::to_string(pods) + " pods:\n" +
          host->stderr_text());
    std::this_thread::sleep_for(100ms);
  }
  std::this_thread::sleep_for(2s);  // let the controller's first reconciles settle
  const Memory m = memory_of(host->pid());
  host->signal(SIGTERM);
  if (host->wait(60s) != 0) die("dynop did not stop cleanly:\n" + host->stderr_text());
  return m;
}

void load_pods(dynop::test::LocalCluster& cluster, int pods) {
  auto owner = cluster.post(
      "/api/v1/namespaces/bench/configmaps",
      json::object{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "owner"}}}});
  if (owner.status != 201) die("owner ConfigMap: " + owner.body);
  // The shape of the bench data's ReplicaSet reference, pointing at something
  // that exists (the garbage collector deletes pods of a missing owner).
  const json::object owner_ref{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                               {"name", "owner"},    {"uid", owner.json().at("metadata").at("uid")},
                               {"controller", true}, {"blockOwnerDeletion", true}};
  const auto events = dynop::bench::load_pod_events();
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  auto write = [&] {
    dynop::test::LocalCluster& c = cluster;
    for (int i = next++; i < pods; i = next++) {
      const std::string name = "pod-" + std::to_string(i);
      json::object pod = dynop::bench::bench_pod(
          events[static_cast<std::size_t>(i) % events.size()], "bench", name, &owner_ref);
      const json::value status = pod["status"];
      auto created = c.post("/api/v1/namespaces/bench/pods", pod);
      if (created.status != 201) {
        if (failures++ == 0)
          std::fprintf(stderr, "create %s: %s\n", name.c_str(), created.body.c_str());
        continue;
      }
      json::object with_status = created.json().as_object();
      with_status["status"] = status;
      auto updated = c.put("/api/v1/namespaces/bench/pods/" + name + "/status", with_status);
      if (updated.status != 200 && failures++ == 0)
        std::fprintf(stderr, "status of %s: %s\n", name.c_str(), updated.body.c_str());
    }
  };
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) writers.emplace_back(write);
  for (auto& t : writers) t.join();
  if (failures > 0) die(std::to_string(failures.load()) + " pod writes failed");
}

long median(std::vector<long> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int pods = 20000;
  int rounds = 3;
  namespace po = boost::program_options;
  po::options_description flags("Flags", 100, 50);
  flags.add_options()("pods", po::value(&pods)->default_value(pods)->value_name("N"),
                      "pods in the cluster (also the first positional argument)")(
      "rounds", po::value(&rounds)->default_value(rounds)->value_name("N"),
      "host starts per mode, the median is reported (also the second positional argument)");
  po::positional_options_description positional;
  positional.add("pods", 1).add("rounds", 1);
  po::variables_map flag_values;
  if (auto exit_code =
          dynop::cli::parse_main(argc, argv, flags, "runtime_host_cache_memory",
                                 "[flags] [PODS [ROUNDS]]", flag_values, &positional)) {
    return *exit_code;
  }
  if (pods < 1 || rounds < 1) die("--pods and --rounds must be at least 1");
  dynop::test::LocalCluster cluster;
  if (!cluster.ok()) die("localcluster: " + cluster.error());
  dynop::test::TempDir dir("host-cache-memory");
  auto crds = dynop::test::run("/usr/bin/kubectl", {"--kubeconfig", cluster.kubeconfig(), "apply",
                                                    "-f", dynop::test::source_path("crds")});
  if (crds.exit_code != 0) die("kubectl apply -f crds: " + crds.err);
  auto ns = cluster.post(
      "/api/v1/namespaces",
      json::object{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "bench"}}}});
  if (ns.status != 201) die("namespace: " + ns.body);

  const std::string bench_plugins = dynop::test::binary_path("bench-plugins");
  const std::vector<Mode> modes = {
      {"pod-cache plugin, whole pods", bench_plugins, "pod-cache", "cache: full"},
      {"pod-cache plugin, dgd pod fields", bench_plugins, "pod-cache", "cache: dgd-fields"},
      {"dgd plugin (dgd pod fields)", dynop::test::binary_path("plugins"), "dgd", ""},
  };
  std::vector<Memory> baseline;
  for (const Mode& mode : modes) baseline.push_back(measure(cluster, dir, mode, 0));

  const auto load_start = std::chrono::steady_clock::now();
  load_pods(cluster, pods);
  std::printf("loaded %d pods (with status) in %.1f s\n", pods,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count());

  std::vector<std::vector<long>> rss(modes.size()), anon(modes.size());
  for (int round = 0; round < rounds; ++round) {
    for (std::size_t m = 0; m < modes.size(); ++m) {
      const Memory after = measure(cluster, dir, modes[m], pods);
      rss[m].push_back(after.rss_kib - baseline[m].rss_kib);
      anon[m].push_back(after.anonymous_kib - baseline[m].anonymous_kib);
      std::printf("round %d  %-34s RSS %+ld KiB, anonymous %+ld KiB\n", round + 1, modes[m].label,
                  rss[m].back(), anon[m].back());
    }
  }
  std::printf("\nper cached pod, %d pods, median of %d (baseline RSS / anonymous in KiB):\n", pods,
              rounds);
  for (std::size_t m = 0; m < modes.size(); ++m) {
    const double rss_per_pod = static_cast<double>(median(rss[m])) * 1024.0 / pods;
    const double anon_per_pod = static_cast<double>(median(anon[m])) * 1024.0 / pods;
    std::printf(
        "  %-34s RSS %6.0f B (%.2f KiB)  anonymous %6.0f B (%.2f KiB)   [baseline %ld / %ld]\n",
        modes[m].label, rss_per_pod, rss_per_pod / 1024.0, anon_per_pod, anon_per_pod / 1024.0,
        baseline[m].rss_kib, baseline[m].anonymous_kib);
  }
  return 0;
}
