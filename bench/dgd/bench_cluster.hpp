#pragma once
// What the DGD and placement benches run against: a real dynop-localcluster
// with crds/ applied and the real dynop host running the dgd and dgdsa
// plugins (or BenchClusterOptions::plugins) on it
// (release build), optionally with the admission webhook registered as
// `make run` has it, plus the measuring tools they share: watch
// feeds (so the bench observes objects as the host does, not by polling),
// /proc samples of a process (bench/support/process_sample.hpp), and percentiles.

#include <sys/types.h>

#include <atomic>
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/support/process_sample.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/process.hpp"
#include "tests/support/running_host.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::bench {

struct BenchClusterOptions {
  bool in_memory = false;               // false: SQLite storage, as `make run` uses
  std::string plugins = "dgd,dgdsa";    // the host's --plugins
  std::vector<std::string> host_args;   // added to the host's command line
  std::vector<std::string> namespaces;  // created before the host starts
  // As packaging/run-local.sh (`make run`) does: the host also loads
  // webhook.so and serves HTTPS admission with a CA of its own, acts as the
  // operator's service account (the webhook admits DGD replica writes only
  // from it), and packaging/webhook/webhook.yaml's ValidatingWebhookConfiguration
  // is applied pointing at it, so every DGD and DGDSA write is reviewed.
  bool admission_webhook = false;
  // The host is not started by the constructor but by start_host(), so a
  // bench can fill the cluster before the host lists it.
  bool defer_host = false;
};

class BenchCluster {
 public:
  explicit BenchCluster(const BenchClusterOptions& options);
  ~BenchCluster();

  // Both processes are up, the CRDs are established and the host is ready.
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  test::LocalCluster& cluster() { return *cluster_; }
  test::RunningHost& host() { return *host_; }
  // Starts the host (BenchClusterOptions::defer_host) and waits until it is
  // ready; "" or what failed.
  std::string start_host();
  // The real kubectl against the cluster; "" or what it printed on failure.
  std::string kubectl(std::vector<std::string> args);

 private:
  // The webhook's certificates and the operator's kubeconfig: sets
  // `kubeconfig` to it and appends the admission flags to `host_args`.
  // "" or what failed.
  std::string prepare_webhook(std::string& kubeconfig, std::vector<std::string>& host_args);
  std::string register_webhook();

  std::unique_ptr<test::LocalCluster> cluster_;
  std::vector<std::string> host_args_;
  bool admission_webhook_ = false;
  std::unique_ptr<test::RunningHost> host_;
  test::TempDir files_{"dynop-bench-cluster"};
  std::string ca_pem_;
  std::string error_;
};

// Lists a collection, hands every item to the handler as "ADDED", then
// watches from the list's resourceVersion on a thread of its own until
// destroyed, handing over every event but bookmarks. The handler runs on that
// thread.
//   WatchFeed pods(cluster, "/api/v1/namespaces/default/pods", on_pod);
class WatchFeed {
 public:
  using Handler = std::function<void(std::string_view type, const boost::json::object& object)>;
  WatchFeed(test::LocalCluster& cluster, const std::string& collection, Handler handler);
  ~WatchFeed();
  WatchFeed(const WatchFeed&) = delete;
  WatchFeed& operator=(const WatchFeed&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // The watch stopped before the feed was destroyed (events may be missing).
  bool ended() const { return ended_; }

 private:
  Handler handler_;
  std::atomic<bool> ended_{false};
  net::StreamResult watch_;
  std::string error_;
  std::thread reader_;
};

// The services of the graphs create_graphs makes: Frontend, decode (worker,
// one GPU) and prefill (worker, prefill, one GPU), one replica each.
inline constexpr const char* kGraphServices[] = {"Frontend", "decode", "prefill"};
// Creates `count` such DGDs named graph-0000... in namespace `ns` (which must
// exist), two clients at once; "" or the first failure.
std::string create_graphs(test::LocalCluster& cluster, const std::string& ns, int count);

// metadata.name, "" when missing.
std::string name_of(const boost::json::object& object);
// metadata.deletionTimestamp is set.
bool deleting(const boost::json::object& object);

// Nearest-rank percentile (p in (0, 1]) of unsorted values; 0 when empty.
double percentile(std::vector<double> values, double p);

}  // namespace dynop::bench
