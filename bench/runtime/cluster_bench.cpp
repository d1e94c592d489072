// Against a real dynop-localcluster on this machine (server and informer
// share the 2 cores, as the Go peer figure in design.md was measured):
// - initial sync: time from Informer::start to has_synced for N realistic
//   pods (paginated list, 500 per page, decode, index), with the pod fields
//   the dgd plugin asks to cache;
// - write -> reconcile latency: p50/p99 from just before a PATCH is sent to
//   the moment the controller's reconcile for that key starts.
//
//   runtime_cluster_bench [pods] [latency samples]    (defaults 20000, 500)

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

#include "bench/runtime/bench_data.hpp"
#include "lib/cli/command_line.hpp"
#include "lib/controller/controller.hpp"
#include "lib/kube/cache/informer.hpp"
#include "lib/kube/client/client.hpp"
#include "lib/kube/client/kubeconfig.hpp"
#include "plugins/common/pod_groups.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"

namespace {

namespace json = boost::json;
using namespace dynop;
using Clock = std::chrono::steady_clock;

std::unique_ptr<kube::Client> connect(const dynop::test::LocalCluster& cluster) {
  auto config = kube::load_kubeconfig(cluster.kubeconfig());
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().describe().c_str());
    std::exit(1);
  }
  auto client = kube::Client::create(*config);
  if (!client) {
    std::fprintf(stderr, "%s\n", client.error().describe().c_str());
    std::exit(1);
  }
  return std::move(client.value());
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  int pods = 20000;
  int samples = 500;
  namespace po = boost::program_options;
  po::options_description flags("Flags", 100, 50);
  flags.add_options()("pods", po::value(&pods)->default_value(pods)->value_name("N"),
                      "pods created before the sync (also the first positional argument)")(
      "samples", po::value(&samples)->default_value(samples)->value_name("N"),
      "reconcile samples (also the second positional argument)");
  po::positional_options_description positional;
  positional.add("pods", 1).add("samples", 1);
  po::variables_map flag_values;
  if (auto exit_code =
          dynop::cli::parse_main(argc, argv, flags, "runtime_cluster_bench",
                                 "[flags] [PODS [SAMPLES]]", flag_values, &positional)) {
    return *exit_code;
  }
  dynop::test::LocalCluster cluster;
  if (!cluster.ok()) {
    std::fprintf(stderr, "localcluster: %s\n", cluster.error().c_str());
    return 1;
  }
  auto client = connect(cluster);
  auto namespaces = client->resource_for("v1", "Namespace");
  auto pod_resource = client->resource_for("v1", "Pod");
  auto config_maps = client->resource_for("v1", "ConfigMap");
  if (!namespaces || !pod_resource || !config_maps) return 1;
  (void)client->create(*namespaces, "",
                       R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench"}})");

  // Load: two writers.
  const auto events = dynop::bench::load_pod_events();
  const auto load_start = Clock::now();
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&] {
      auto writer = connect(cluster);
      for (int i = next++; i < pods; i = next++) {
        json::object pod =
            dynop::bench::bench_pod(events[static_cast<std::size_t>(i) % events.size()], "bench",
                                    "pod-" + std::to_string(i));
        pod.erase("status");
        auto created = writer->create(*pod_resource, "bench", json::serialize(pod));
        if (!created && failures++ == 0)
          std::fprintf(stderr, "create failed: %s\n", created.error().describe().c_str());
      }
    });
  }
  for (auto& t : writers) t.join();
  std::printf("loaded %d pods in %.1f s (%d failures)\n", pods,
              std::chrono::duration<double>(Clock::now() - load_start).count(), failures.load());

  // Initial sync, three times (median reported by the reader).
  for (int run = 0; run < 3; ++run) {
    kube::InformerOptions options;
    options.api_version = "v1";
    options.kind = "Pod";
    options.projection = std::make_shared<kube::Projection>(
        kube::Projection::of_fields(dynop::plugins::common::observed_pod_fields()));
    kube::Informer informer(options, client->lister_watcher(*pod_resource, "bench"));
    const auto start = Clock::now();
    const std::clock_t cpu_start = std::clock();
    informer.start();
    informer.wait_for_sync(std::chrono::minutes(10));
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    std::printf("initial sync: %zu pods in %.3f s wall (this process: %.3f s CPU)\n",
                informer.cache().size(), wall, cpu);
    informer.stop();
  }

  // Write -> reconcile latency.
  kube::InformerOptions options;
  options.api_version = "v1";
  options.kind = "ConfigMap";
  kube::Informer informer(options, client->lister_watcher(*config_maps, "bench"));
  struct Stamp : controller::Reconciler {
    std::mutex mutex;
    std::condition_variable cv;
    std::string want;
    Clock::time_point seen{};
    controller::ReconcileResult reconcile(const controller::Request& request) override {
      const auto now = Clock::now();
      std::lock_guard guard(mutex);
      if (request.name == want && seen == Clock::time_point{}) {
        seen = now;
        cv.notify_all();
      }
      return controller::ReconcileResult::done();
    }
  } reconciler;
  controller::ControllerOptions controller_options;
  controller_options.name = "latency";
  controller::Controller controller(controller_options, reconciler);
  controller.watch(informer, controller::map_same_key());
  informer.start();
  informer.wait_for_sync(std::chrono::minutes(1));
  controller.start();
  std::vector<double> latencies;
  for (int i = 0; i < samples; ++i) {
    const std::string name = "cm-" + std::to_string(i % 20);
    {
      std::lock_guard guard(reconciler.mutex);
      reconciler.want = name;
      reconciler.seen = {};
    }
    const auto sent = Clock::now();
    if (i < 20) {
      (void)client->create(*config_maps, "bench",
                           R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
                               R"("},"data":{"i":"0"}})");
    } else {
      (void)client->patch(*config_maps, "bench", name, kube::PatchType::kMerge,
                          R"({"data":{"i":")" + std::to_string(i) + R"("}})");
    }
    std::unique_lock lock(reconciler.mutex);
    if (reconciler.cv.wait_for(lock, std::chrono::seconds(10),
                               [&] { return reconciler.seen != Clock::time_point{}; }))
      latencies.push_back(
          std::chrono::duration<double, std::milli>(reconciler.seen - sent).count());
  }
  controller.stop();
  informer.stop();
  if (!latencies.empty())
    std::printf("write -> reconcile: %zu samples, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                latencies.size(), percentile(latencies, 0.5), percentile(latencies, 0.99),
                percentile(latencies, 1.0));
  return 0;
}
