// Leader hand-over between two real dynop hosts (mirror plugin) on a real
// dynop-localcluster, on this machine. Each trial starts a leader and a
// follower, lets the follower settle, then stops the leader and measures
// from the signal:
//   lease:     until the Lease names the follower (polled every 5 ms);
//   reconcile: until a ConfigMap created after the old leader is gone (at
//              once for SIGKILL, once it has exited for SIGTERM) has its
//              mirror copy, i.e. the new leader reconciles new work.
// SIGTERM is the planned hand-over (goal <= 1 s); SIGKILL waits out the
// lease (goal <= lease duration + retry period).
//
//   runtime_leader_handover_bench [trials] [lease] [renew] [retry] [sigterm|sigkill|both]
//   (defaults: 10 15s 10s 2s both; the timings are the host's defaults)

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "lib/cli/command_line.hpp"
#include "tests/fixtures/plugins/mirror_objects.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kLeasePath =
    "/apis/coordination.k8s.io/v1/namespaces/default/leases/dynop-handover-bench";
constexpr const char* kConfigMaps = "/api/v1/namespaces/default/configmaps";

struct Timings {
  std::string lease = "15s";
  std::string renew = "10s";
  std::string retry = "2s";
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "leader_handover: %s\n", message.c_str());
  std::exit(1);
}

struct Host {
  std::unique_ptr<dynop::test::Process> process;
  std::string identity;
};

Host start_host(const dynop::test::LocalCluster& cluster, const Timings& t) {
  std::string error;
  dynop::test::SpawnOptions options;
  options.unset_env = {"KUBECONFIG", "KUBERNETES_SERVICE_HOST"};
  Host host;
  host.process = dynop::test::Process::spawn(dynop::test::binary_path("bin/dynop"),
                                             {"--kubeconfig",
                                              cluster.kubeconfig(),
                                              "--plugin-dir",
                                              dynop::test::binary_path("test-plugins/mirror"),
                                              "--plugins",
                                              "mirror",
                                              "--metrics-address",
                                              "127.0.0.1:0",
                                              "--log-level",
                                              "warn",
                                              "--leader-election-namespace",
                                              "default",
                                              "--leader-election-id",
                                              "dynop-handover-bench",
                                              "--leader-elect-lease-duration",
                                              t.lease,
                                              "--leader-elect-renew-deadline",
                                              t.renew,
                                              "--leader-elect-retry-period",
                                              t.retry},
                                             error, options);
  if (!host.process) die(error);
  // The identity is <hostname>_<pid> (host/app/kube_runtime.cpp).
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  host.identity = std::string(name) + "_" + std::to_string(host.process->pid());
  return host;
}

std::string holder(dynop::test::LocalCluster& cluster) {
  return dynop::test::field_text(cluster.get(kLeasePath).json(), {"spec", "holderIdentity"});
}

bool mirrored(dynop::test::LocalCluster& cluster, const std::string& name) {
  return cluster.get(std::string(kConfigMaps) + "/" + name + "-mirror").status == 200;
}

void create_source(dynop::test::LocalCluster& cluster, const std::string& name) {
  auto r = cluster.post(kConfigMaps, dynop::test::mirror_source(name, name));
  if (r.status != 201) die("creating " + name + ": " + std::to_string(r.status) + " " + r.body);
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Trial {
  double lease_ms = 0;
  double reconcile_ms = 0;
};

Trial run_trial(dynop::test::LocalCluster& cluster, const Timings& t, int sig, int index) {
  Host leader = start_host(cluster, t);
  const auto leading_deadline = Clock::now() + seconds(120);
  while (holder(cluster) != leader.identity && Clock::now() < leading_deadline)
    std::this_thread::sleep_for(milliseconds(20));
  if (holder(cluster) != leader.identity)
    die("the first host never led:\n" + leader.process->stderr_text());
  Host follower = start_host(cluster, t);
  // A settled follower: caches synced, Lease watched and observed. Its
  // ops endpoint is not needed; two seconds are plenty on this machine.
  std::this_thread::sleep_for(seconds(2));
  if (!follower.process->running()) die("the follower exited:\n" + follower.process->stderr_text());

  const std::string fresh = "fresh-" + std::to_string(sig) + "-" + std::to_string(index);
  const auto t0 = Clock::now();
  leader.process->signal(sig);
  std::optional<Clock::time_point> leased, reconciled;
  bool created = false;
  const auto deadline = t0 + seconds(120);
  while ((!leased || !reconciled) && Clock::now() < deadline) {
    if (!created && !leader.process->running()) {
      create_source(cluster, fresh);
      created = true;
    }
    if (!leased && holder(cluster) == follower.identity) leased = Clock::now();
    if (created && !reconciled && mirrored(cluster, fresh)) reconciled = Clock::now();
    if (!leased || !reconciled) std::this_thread::sleep_for(milliseconds(5));
  }
  if (!leased || !reconciled) {
    die("no hand-over within 120 s:\n--- leader ---\n" + leader.process->stderr_text() +
        "--- follower ---\n" + follower.process->stderr_text());
  }
  follower.process->signal(SIGTERM);
  follower.process->wait(seconds(60));
  leader.process->wait(seconds(60));
  return Trial{ms_between(t0, *leased), ms_between(t0, *reconciled)};
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void report(const char* what, const std::vector<Trial>& trials) {
  std::vector<double> lease, reconcile;
  for (const Trial& t : trials) {
    lease.push_back(t.lease_ms);
    reconcile.push_back(t.reconcile_ms);
  }
  std::printf("%-8s  lease: p50 %8.1f ms  max %8.1f ms   reconcile: p50 %8.1f ms  max %8.1f ms\n",
              what, percentile(lease, 0.5), *std::max_element(lease.begin(), lease.end()),
              percentile(reconcile, 0.5), *std::max_element(reconcile.begin(), reconcile.end()));
}

}  // namespace

int main(int argc, char** argv) {
  int trials = 10;
  Timings t;
  std::string modes = "both";
  namespace po = boost::program_options;
  po::options_description flags("Flags (also positional, in this order)", 100, 50);
  flags.add_options()("trials", po::value(&trials)->default_value(trials)->value_name("N"),
                      "hand-overs per mode")(
      "lease-duration", po::value(&t.lease)->default_value(t.lease)->value_name("D"),
      "the hosts' --leader-elect-lease-duration")(
      "renew-deadline", po::value(&t.renew)->default_value(t.renew)->value_name("D"),
      "the hosts' --leader-elect-renew-deadline")(
      "retry-period", po::value(&t.retry)->default_value(t.retry)->value_name("D"),
      "the hosts' --leader-elect-retry-period")(
      "modes", po::value(&modes)->default_value(modes)->value_name("M"),
      "sigterm, sigkill or both: how the leader is stopped");
  po::positional_options_description positional;
  positional.add("trials", 1)
      .add("lease-duration", 1)
      .add("renew-deadline", 1)
      .add("retry-period", 1)
      .add("modes", 1);
  po::variables_map flag_values;
  if (auto exit_code = dynop::cli::parse_main(argc, argv, flags, "runtime_leader_handover_bench",
                                              "[flags] [TRIALS [LEASE RENEW RETRY [MODES]]]",
                                              flag_values, &positional)) {
    return *exit_code;
  }
  trials = std::max(1, trials);
  const bool with_term = modes != "sigkill";
  const bool with_kill = modes != "sigterm";
  dynop::test::LocalCluster cluster;
  if (!cluster.ok()) die(cluster.error());
  std::printf("leader hand-over, %d trials each, lease %s / renew %s / retry %s\n", trials,
              t.lease.c_str(), t.renew.c_str(), t.retry.c_str());
  std::vector<Trial> term, kill;
  for (int i = 0; with_term && i < trials; ++i) {
    term.push_back(run_trial(cluster, t, SIGTERM, i));
    std::printf("  SIGTERM trial %d: lease %.1f ms, reconcile %.1f ms\n", i, term.back().lease_ms,
                term.back().reconcile_ms);
    std::fflush(stdout);
  }
  for (int i = 0; with_kill && i < trials; ++i) {
    kill.push_back(run_trial(cluster, t, SIGKILL, i));
    std::printf("  SIGKILL trial %d: lease %.1f ms, reconcile %.1f ms\n", i, kill.back().lease_ms,
                kill.back().reconcile_ms);
    std::fflush(stdout);
  }
  if (with_term) report("SIGTERM", term);
  if (with_kill) report("SIGKILL", kill);
  return 0;
}
