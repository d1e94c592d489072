#include "host/app/kube_runtime.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "lib/metrics/registry.hpp"

namespace dynop::host::app {
namespace {

std::optional<std::string> env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

bool in_cluster() {
  auto host = env("KUBERNETES_SERVICE_HOST");
  return host && !host->empty();
}

std::string default_identity() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) name[0] = '\0';
  std::string host = name[0] != '\0' ? name : "dynop";
  return host + "_" + std::to_string(getpid());
}

// The first kind `plugin`'s reconciler needs that the server does not serve
// (yet), as "<apiVersion> <Kind>"; "" when all are served. Other discovery
// errors (the server is briefly unreachable) count as not served: retried.
std::string unserved_kind(kube::Client& client, const ActivePlugin& plugin) {
  if (!plugin.specs.reconciler) return {};
  std::vector<const KindSpec*> kinds = {&plugin.specs.reconciler->primary};
  for (const auto& watch : plugin.specs.reconciler->watches) kinds.push_back(&watch.kind);
  for (const KindSpec* kind : kinds) {
    kube::ResourceInfo wanted;
    wanted.group = kind->group;
    wanted.version = kind->version;
    if (!client.resource_for(wanted.api_version(), kind->kind)) {
      return wanted.api_version() + " " + kind->kind;
    }
  }
  return {};
}

std::string default_lease_namespace() {
  if (in_cluster()) {
    std::ifstream in("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
    std::string ns;
    if (in && std::getline(in, ns) && !ns.empty()) return ns;
  }
  return "dynop-system";
}

}  // namespace

bool kube_requested(const Config& config) {
  if (!config.kubeconfig.empty()) return true;
  auto kubeconfig = env("KUBECONFIG");
  if (kubeconfig && !kubeconfig->empty()) return true;
  return in_cluster();
}

std::unique_ptr<KubeRuntime> KubeRuntime::connect(
    const Config& config, metrics::Registry& registry,
    const std::function<bool(std::chrono::milliseconds)>& wait,
    autoscaling::DecisionLog* decisions) {
  const std::chrono::milliseconds retry = config.retry_period;
  std::unique_ptr<KubeRuntime> out(new KubeRuntime());
  out->config_ = config;
  out->registry_ = &registry;
  for (;;) {
    auto rest = kube::load_default_config(config.kubeconfig);
    if (!rest) {
      spdlog::error("cannot load the Kubernetes configuration: {}; retrying in {}ms",
                    rest.error().message, retry.count());
      if (!wait(retry)) return nullptr;
      continue;
    }
    auto client = kube::Client::create(*rest);
    if (!client) {
      spdlog::error("cannot create the Kubernetes client for {}: {}; retrying in {}ms",
                    rest->server, client.error().message, retry.count());
      if (!wait(retry)) return nullptr;
      continue;
    }
    // The Lease gets a client of its own whose calls end in time: a renewal
    // hanging on a slow server must not keep this replica leading past the
    // moment another may take over (client-go bounds renewals by the renew
    // deadline likewise). Waiting lease - renew deadline at most, a failed
    // leader gives up by its last renewal + the lease duration. No 429
    // retries inside a call: the elector retries every retry period itself.
    kube::ClientOptions lease_options;
    lease_options.request_timeout = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 config.lease_duration - config.renew_deadline),
                                             std::chrono::milliseconds(1000));
    lease_options.connect_timeout = lease_options.request_timeout;
    lease_options.max_retries = 0;
    auto lease_client = kube::Client::create(*rest, lease_options);
    if (!lease_client) {
      spdlog::error("cannot create the Kubernetes client for {}: {}; retrying in {}ms",
                    rest->server, lease_client.error().message, retry.count());
      if (!wait(retry)) return nullptr;
      continue;
    }
    // Discovery of the Lease resource is the first request: it proves the
    // API server is reachable and we are allowed in.
    auto leases = leaderelection::make_kube_lease_client(**lease_client);
    if (!leases) {
      spdlog::error("cannot reach the Kubernetes API server at {}: {}; retrying in {}ms",
                    rest->server, leases.error().message, retry.count());
      if (!wait(retry)) return nullptr;
      continue;
    }
    out->rest_ = std::move(*rest);
    out->client_ = std::move(*client);
    out->lease_http_ = std::move(*lease_client);
    out->lease_client_ = std::move(*leases);
    break;
  }
  spdlog::info("connected to Kubernetes at {}{}", out->rest_.server,
               out->rest_.context.empty() ? "" : " (context " + out->rest_.context + ")");
  manager::PluginRuntimeOptions options;
  options.instance = config.leader_election_identity.empty() ? default_identity()
                                                             : config.leader_election_identity;
  options.decisions = decisions;
  options.autoscaler_identities = config.autoscaler_identities;
  options.scale_conflict_window = config.scale_conflict_window;
  options.host_version = version();
  out->runtime_ = std::make_unique<manager::PluginRuntime>(*out->client_, registry, options);
  return out;
}

KubeRuntime::~KubeRuntime() {
  stop();
  stop_informers();
}

std::string KubeRuntime::not_ready_reason() const {
  {
    std::lock_guard guard(mutex_);
    if (!waiting_for_.empty()) return "waiting for " + waiting_for_ + " to be served";
  }
  return runtime_->caches_synced() ? std::string() : std::string("caches not synced");
}

std::string KubeRuntime::wire_pending(bool first_time) {
  std::string missing;
  std::vector<ActivePlugin> still;
  for (auto& plugin : pending_) {
    const std::string kind = unserved_kind(*client_, plugin);
    if (!kind.empty()) {
      if (first_time) {
        spdlog::info("plugin {}: waiting for {} to be served; not ready until it is", plugin.name,
                     kind);
      }
      if (missing.empty()) missing = kind;
      still.push_back(std::move(plugin));
      continue;
    }
    auto status = runtime_->add_reconciler(plugin);
    if (!status) {
      spdlog::error("{}", status.error().message);
    } else if (!first_time) {
      spdlog::info("plugin {}: its kinds are served; reconciler wired", plugin.name);
    }
  }
  pending_ = std::move(still);
  std::lock_guard guard(mutex_);
  waiting_for_ = missing;
  return missing;
}

void KubeRuntime::start_controllers_if_leading() {
  if (!leading_ || stopping_) return;
  runtime_->start_controllers();
  // Only the leader places pods, like controllers only the leader runs.
  if (placement_) placement_->start();
}

void KubeRuntime::wire_later() {
  std::chrono::milliseconds delay(500);
  while (!pending_.empty()) {
    {
      std::unique_lock lock(mutex_);
      if (cv_.wait_for(lock, delay, [&] { return stopping_.load(); })) return;
    }
    delay = std::min(delay * 2, std::chrono::milliseconds(10000));
    const std::size_t before = pending_.size();
    wire_pending(false);
    if (pending_.size() != before) {
      // A controller wired after leadership began starts now; one wired
      // before is started by on_started_leading. mutex_ orders the two.
      std::lock_guard guard(mutex_);
      start_controllers_if_leading();
    }
  }
}

void KubeRuntime::start(const std::vector<ActivePlugin>& plugins,
                        std::function<void()> on_lost_leadership) {
  runtime_->configure_caches(plugins);
  for (const auto& plugin : plugins) {
    // Autoscalers need no kind of their own: their targets are resolved
    // when they decide.
    if (auto status = runtime_->add_autoscaler(plugin); !status) {
      spdlog::error("{}", status.error().message);
    }
  }
  pending_ = plugins;
  // Before any informer of pods or nodes exists: the scheduler's projections.
  placement_ = scheduler::PlacementRuntime::create(
      plugins, runtime_->informers(), *client_, *registry_,
      config_.leader_election_identity.empty() ? default_identity()
                                               : config_.leader_election_identity);
  wire_pending(true);
  runtime_->start_informers();
  informers_running_ = true;
  if (!pending_.empty()) wiring_thread_ = std::thread([this] { wire_later(); });

  const bool elect = config_.leader_elect.value_or(true);
  if (!elect) {
    spdlog::info("leader election is off; starting controllers");
    std::lock_guard guard(mutex_);
    leading_ = true;
    start_controllers_if_leading();
    controllers_started_ = true;
    return;
  }
  leaderelection::LeaderElectionConfig election;
  election.lease_namespace = config_.leader_election_namespace.empty()
                                 ? default_lease_namespace()
                                 : config_.leader_election_namespace;
  election.lease_name = config_.leader_election_id;
  election.identity = config_.leader_election_identity.empty() ? default_identity()
                                                               : config_.leader_election_identity;
  election.lease_duration = config_.lease_duration;
  election.renew_deadline = config_.renew_deadline;
  election.retry_period = config_.retry_period;
  auto& is_leader = registry_
                        ->gauge("dynop_leader_election_is_leader",
                                "1 while this replica holds the leader election Lease, else 0.")
                        .with({{"lease", election.lease_namespace + "/" + election.lease_name}});
  is_leader.Set(0);
  election.on_started_leading = [this, &is_leader] {
    is_leader.Set(1);
    spdlog::info("became the leader; starting controllers");
    std::lock_guard guard(mutex_);
    leading_ = true;
    start_controllers_if_leading();
  };
  election.on_stopped_leading = [this, &is_leader, lost = std::move(on_lost_leadership)] {
    is_leader.Set(0);
    // Controllers cannot be restarted (Controller::stop is final): like
    // controller-runtime, a replica that loses the lease exits and is restarted.
    if (stopping_) return;
    spdlog::error("lost leadership; exiting");
    if (lost) lost();
  };
  spdlog::info("leader election on Lease {}/{} as {}", election.lease_namespace,
               election.lease_name, election.identity);
  elector_ = std::make_unique<leaderelection::LeaderElector>(std::move(election), *lease_client_);
  elector_->start();
  controllers_started_ = true;
}

void KubeRuntime::stop() {
  {
    std::lock_guard guard(mutex_);
    if (stopping_.exchange(true)) return;
    cv_.notify_all();
  }
  if (wiring_thread_.joinable()) wiring_thread_.join();
  // The scheduler and controllers first, so that nothing is bound or
  // reconciled once the lease is free for another replica.
  if (placement_) placement_->stop();
  if (controllers_started_) runtime_->stop_controllers();
  if (elector_) elector_->stop();
}

void KubeRuntime::stop_informers() {
  if (informers_running_) runtime_->stop_informers();
  informers_running_ = false;
}

}  // namespace dynop::host::app
