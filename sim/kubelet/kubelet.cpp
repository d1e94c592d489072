#include "sim/kubelet/kubelet.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include "lib/apimachinery/time.hpp"
#include "sim/kubelet/pod_timing.hpp"

namespace dynop::sim {

namespace json = boost::json;
using apimachinery::Error;
using apimachinery::Result;

namespace {

WallTime wall_now() { return std::chrono::system_clock::now(); }

WallTime parse_wall(const std::string& text, WallTime fallback) {
  if (text.empty()) return fallback;
  auto t = apimachinery::parse_time(text);
  if (!t) return fallback;
  return std::chrono::time_point_cast<WallTime::duration>(*t);
}

// The load model's role of a pod, from the labels the dgd plugin gives it;
// nullopt for pods the model does not serve (planners, non-Dynamo pods).
std::optional<Role> role_of(const PodFacts& pod) {
  if (pod.label("nvidia.com/dynamo-graph-deployment-name").empty()) return std::nullopt;
  const std::string type = pod.label("nvidia.com/dynamo-component-type");
  const std::string sub = pod.label("nvidia.com/dynamo-sub-component-type");
  if (type == "frontend") return Role::kFrontend;
  if (type == "prefill" || (type == "worker" && sub == "prefill")) return Role::kPrefill;
  if (type == "decode" || (type == "worker" && sub == "decode")) return Role::kDecode;
  if (type == "worker") return Role::kWorker;
  return std::nullopt;
}

std::string container_names(const PodFacts& pod) {
  std::string names;
  for (const ContainerFacts& c : pod.containers) names += (names.empty() ? "" : ", ") + c.name;
  return names;
}

}  // namespace

Kubelet::Kubelet(kube::Client& client, kube::Informer& pods, NodeAgent& nodes,
                 const NodeProfile& profile, LoadSimulator& load, PodEndpoints& endpoints,
                 record::EventRecorder* recorder, Options options)
    : client_(client),
      pods_(pods),
      nodes_(nodes),
      profile_(profile),
      load_(load),
      endpoints_(endpoints),
      recorder_(recorder),
      options_(options),
      clock_(load.clock()) {
  workqueue::WorkQueue<std::string>::Options queue;
  queue.rate_limiter = std::make_unique<workqueue::ItemExponentialFailureRateLimiter<std::string>>(
      std::chrono::milliseconds(200), std::chrono::seconds(10));
  queue_ = std::make_unique<workqueue::WorkQueue<std::string>>(std::move(queue));
}

Kubelet::~Kubelet() { stop(); }

void Kubelet::enqueue(const kube::ObjectPtr& object) {
  if (object) queue_->add(std::string(object->key()));
}

void Kubelet::start() {
  if (!workers_.empty()) return;
  kube::EventHandler handler;
  handler.on_add = [this](const kube::ObjectPtr& o) { enqueue(o); };
  handler.on_update = [this](const kube::ObjectPtr&, const kube::ObjectPtr& o) { enqueue(o); };
  handler.on_delete = [this](const kube::ObjectPtr& o) { enqueue(o); };
  handler_id_ = pods_.add_handler(std::move(handler));
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { work(); });
}

void Kubelet::stop() {
  if (handler_id_ != 0) {
    pods_.remove_handler(handler_id_);
    handler_id_ = 0;
  }
  queue_->shut_down();
  for (auto& t : workers_) t.join();
  workers_.clear();
  // What still runs stops with the sim; the pods stay in the API (the
  // kubelet is gone, as when a node's kubelet stops).
  std::map<std::string, std::unique_ptr<PodRuntime>> left;
  {
    std::lock_guard lock(mutex_);
    left.swap(runtimes_);
  }
  for (auto& [key, rt] : left) tear_down(*rt, false);
}

void Kubelet::node_changed(const std::string& node) {
  std::vector<std::string> keys;
  {
    std::lock_guard lock(mutex_);
    auto it = by_node_.find(node);
    if (it != by_node_.end()) keys.assign(it->second.begin(), it->second.end());
  }
  for (const auto& key : keys) queue_->add(key);
}

Result<void> Kubelet::crash(const std::string& ns, const std::string& name) {
  const std::string key = ns + "/" + name;
  {
    std::lock_guard lock(mutex_);
    auto it = runtimes_.find(key);
    if (it == runtimes_.end()) {
      return Error{"pod " + key + " is not running on a node of this sim"};
    }
    PodRuntime& rt = *it->second;
    if (rt.terminating) return Error{"pod " + key + " is terminating"};
    if (!rt.started) return Error{"pod " + key + " has not started its containers yet"};
    rt.crash_requested = true;
  }
  queue_->add(key);
  return {};
}

std::vector<PodResources> Kubelet::resources_on(const std::string& node) const {
  struct Entry {
    std::string ns, name, container;
    bool in_load;
    WallTime started;
  };
  std::vector<Entry> entries;
  {
    std::lock_guard lock(mutex_);
    auto it = by_node_.find(node);
    if (it == by_node_.end()) return {};
    for (const auto& key : it->second) {
      auto rt = runtimes_.find(key);
      if (rt == runtimes_.end() || !rt->second->started || rt->second->exited) continue;
      const PodRuntime& r = *rt->second;
      entries.push_back({r.ns, r.name, r.main_container, r.in_load, r.container_started});
    }
  }
  std::vector<PodResources> out;
  const WallTime now = wall_now();
  for (const Entry& e : entries) {
    PodResources p{e.ns, e.name, e.container, {}};
    std::optional<ResourceSample> sample;
    if (e.in_load) sample = load_.usage(e.ns, e.name);
    if (!sample) {
      // A pod outside the load model: a process idling at a thousandth of a core.
      ResourceSample idle;
      idle.cpu_core_seconds = 0.001 * std::chrono::duration<double>(now - e.started).count();
      idle.memory_working_set_bytes = 8.0 * 1024 * 1024;
      idle.start_time = e.started;
      idle.timestamp = now;
      sample = idle;
    }
    p.sample = *sample;
    out.push_back(std::move(p));
  }
  return out;
}

KubeletStats Kubelet::stats() const {
  KubeletStats s;
  s.status_writes = status_writes_.load();
  s.deletions = deletions_.load();
  s.api_errors = api_errors_.load();
  std::lock_guard lock(mutex_);
  s.pods = runtimes_.size();
  const SimTime now = clock_.now();
  for (const auto& [key, rt] : runtimes_) {
    if (rt->started && !rt->exited) ++s.running;
    if (rt->started && !rt->terminating && now >= rt->ready_at && nodes_.ready(rt->node)) ++s.ready;
    if (rt->serving) ++s.serving;
  }
  return s;
}

void Kubelet::work() {
  while (auto key = queue_->get()) {
    auto next = sync(*key);
    if (!next) {
      const std::uint64_t errors = ++api_errors_;
      if (errors == 1 || errors % 1000 == 0) {
        spdlog::warn("pod {}: {} (retrying with backoff; {} failures so far)", *key, next.error(),
                     errors);
      } else {
        spdlog::debug("pod {}: {}", *key, next.error());
      }
      queue_->add_rate_limited(*key);
    } else {
      queue_->forget(*key);
      if (*next) {
        const SimTime now = clock_.now();
        const auto wait =
            **next > now ? clock_.wall_for(**next - now) : std::chrono::nanoseconds(0);
        queue_->add_after(*key, wait + std::chrono::milliseconds(1));
      }
    }
    queue_->done(*key);
  }
}

PodAddresses& Kubelet::addresses_of(const std::string& node) {
  auto it = addresses_.find(node);
  if (it == addresses_.end()) {
    const SimNode* n = nodes_.find(node);
    it = addresses_.emplace(node, PodAddresses(n->pod_cidr)).first;
  }
  return it->second;
}

void Kubelet::event(const PodRuntime& rt, const std::string& type, const std::string& reason,
                    const std::string& message) {
  if (!recorder_) return;
  recorder_->record(record::InvolvedObject{"v1", "Pod", rt.ns, rt.name, rt.uid, ""}, type, reason,
                    message);
}

Kubelet::PodRuntime Kubelet::make_runtime(const PodFacts& pod, SimTime now) {
  PodRuntime rt;
  rt.ns = pod.ns;
  rt.name = pod.name;
  rt.uid = pod.uid;
  rt.node = pod.node;
  rt.main_container = pod.containers.empty() ? std::string() : pod.containers.front().name;
  rt.role = role_of(pod);
  const WallTime wall = wall_now();
  rt.start_time = parse_wall(pod.status.start_time, wall);
  // A pod a previous run of the sim started: its containers run on; it keeps
  // its address, restarts and readiness.
  const ContainerStatusFacts* running = nullptr;
  for (const auto& [name, c] : pod.status.containers) {
    rt.restarts = std::max<int>(rt.restarts, static_cast<int>(c.restart_count));
    if (c.state == "running" && !running) running = &c;
  }
  const PodTimes times = pod_times(profile_.kubelet, pod, rt.restarts);
  if (pod.status.phase == "Running" && running && !pod.status.pod_ip.empty()) {
    auto address = parse_ipv4(pod.status.pod_ip);
    std::lock_guard lock(mutex_);
    if (address && addresses_of(pod.node).reserve(*address)) {
      rt.address = *address;
      rt.ip = pod.status.pod_ip;
    }
  }
  if (rt.address != 0) {
    rt.adopted = true;
    rt.running_at = now;
    rt.container_started = parse_wall(running->started_at, wall);
    auto ready = pod.status.conditions.find("Ready");
    const bool was_ready = ready != pod.status.conditions.end() && ready->second.status == "True";
    rt.ready_at = was_ready ? now : now + times.ready;
  } else {
    rt.restarts = 0;
    rt.running_at = now + times.create;
    rt.ready_at = rt.running_at + times.ready;
  }
  for (const std::string& problem : times.problems) {
    event(rt, "Warning", "InvalidAnnotation", "dynop-sim ignored " + problem);
  }
  return rt;
}

void Kubelet::start_containers(PodRuntime& rt, const PodFacts& pod) {
  // An adopted pod's containers were started by the sim's previous run.
  if (profile_.kubelet.events && !rt.adopted) {
    for (const ContainerFacts& c : pod.containers) {
      event(rt, "Normal", "Pulled",
            "Container image \"" + c.image + "\" already present on machine");
      event(rt, "Normal", "Created", "Created container " + c.name);
      event(rt, "Normal", "Started", "Started container " + c.name);
    }
  }
  bool in_load = false;
  if (rt.role) {
    load_.add_pod(PodInfo{rt.ns, rt.name, pod.label("nvidia.com/dynamo-graph-deployment-name"),
                          *rt.role, pod.label("nvidia.com/dynamo-component")});
    in_load = true;
  }
  bool serving = false;
  std::vector<ContainerPort> ports;
  for (const ContainerFacts& c : pod.containers) {
    for (const ContainerPortFacts& p : c.ports) {
      if (p.protocol != "TCP") continue;
      ports.push_back(ContainerPort{p.name.empty() ? std::to_string(p.port) : p.name, p.port});
    }
  }
  // Only the load model knows what a pod answers (/metrics, /health).
  if (in_load && !ports.empty()) {
    auto started = endpoints_.start(rt.ns, rt.name, rt.ip, ports);
    if (started) {
      serving = true;
    } else {
      spdlog::warn("{}", started.error());
      event(rt, "Warning", "PortUnavailable",
            "dynop-sim cannot serve the pod's ports: " + started.error());
    }
  }
  std::lock_guard lock(mutex_);
  rt.started = true;
  rt.in_load = in_load;
  rt.serving = serving;
}

void Kubelet::tear_down(PodRuntime& rt, bool graceful) {
  bool serving = false;
  bool in_load = false;
  {
    std::lock_guard lock(mutex_);
    serving = rt.serving;
    in_load = rt.in_load;
    rt.serving = false;
    rt.in_load = false;
    if (rt.address != 0) {
      addresses_of(rt.node).release(rt.address);
      rt.address = 0;
    }
    auto it = by_node_.find(rt.node);
    if (it != by_node_.end()) {
      it->second.erase(rt.ns + "/" + rt.name);
      if (it->second.empty()) by_node_.erase(it);
    }
  }
  if (serving) endpoints_.stop(rt.ns, rt.name);
  if (in_load) load_.remove_pod(rt.ns, rt.name, graceful);
}

Result<kube::ResourceInfo> Kubelet::pod_resource() {
  {
    std::lock_guard lock(mutex_);
    if (pod_resource_) return *pod_resource_;
  }
  auto r = client_.resource_for("v1", "Pod");
  if (!r) return Error{"discovering v1 Pod: " + r.error().describe()};
  std::lock_guard lock(mutex_);
  pod_resource_ = *r;
  return *r;
}

Result<void> Kubelet::write_status(const PodFacts& pod, const PodRun& run) {
  auto resource = pod_resource();
  if (!resource) return Error{resource.error()};
  // The uid makes the write a precondition on this very pod, as the kubelet's.
  json::object patch{{"metadata", json::object{{"uid", pod.uid}}},
                     {"status", render_pod_status(pod, run, wall_now())}};
  auto r = client_.patch(*resource, pod.ns, pod.name, kube::PatchType::kStrategicMerge,
                         json::serialize(patch), "status");
  if (!r) {
    if (r.error().not_found()) return {};  // gone meanwhile: its delete event follows
    return Error{"writing the status: " + r.error().describe()};
  }
  ++status_writes_;
  return {};
}

Result<Kubelet::Next> Kubelet::sync(const std::string& key) {
  kube::ObjectPtr object = pods_.cache().get(key);
  PodRuntime* rt = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto it = runtimes_.find(key);
    if (it != runtimes_.end()) rt = it->second.get();
  }
  auto forget = [&](bool graceful) {
    if (!rt) return;
    tear_down(*rt, graceful);
    std::lock_guard lock(mutex_);
    runtimes_.erase(key);
    rt = nullptr;
  };
  if (!object) {
    forget(false);  // deleted (force-deleted, or by us)
    return Next();
  }
  auto read = read_pod(object->json());
  if (!read) {
    spdlog::warn("pod {}: {}", key, read.error());
    return Next();
  }
  const PodFacts& pod = *read;
  if (pod.node.empty() || !nodes_.serves(pod.node)) {
    forget(false);
    return Next();
  }
  if (rt && (rt->uid != pod.uid || rt->node != pod.node)) forget(false);
  const SimTime now = clock_.now();
  if (!rt) {
    auto made = std::make_unique<PodRuntime>(make_runtime(pod, now));
    std::lock_guard lock(mutex_);
    rt = made.get();
    runtimes_[key] = std::move(made);
    by_node_[pod.node].insert(key);
  }

  PodRun run;
  run.host_ip = nodes_.find(pod.node)->ip;
  run.start_time = rt->start_time;

  // Graceful deletion.
  if (pod.deleting) {
    if (!rt->terminating) {
      const PodTimes times = pod_times(profile_.kubelet, pod, rt->restarts);
      const std::chrono::nanoseconds grace =
          std::chrono::seconds(std::max<std::int64_t>(0, pod.grace_period_seconds));
      {
        std::lock_guard lock(mutex_);
        rt->terminating = true;
        rt->killed = rt->started && times.del > grace;
        rt->exit_at = rt->started ? now + std::min(times.del, grace) : now;
      }
      if (rt->started) {
        // SIGTERM: no new requests; those in flight finish (or fail if the
        // grace period runs out first).
        if (rt->in_load && rt->load_ready) {
          load_.set_ready(rt->ns, rt->name, false);
          rt->load_ready = false;
        }
        if (profile_.kubelet.events) {
          event(*rt, "Normal", "Killing", "Stopping container " + container_names(pod));
        }
      }
    }
    if (now < rt->exit_at) return Next(rt->exit_at);
    if (!rt->exited) {
      std::lock_guard lock(mutex_);
      rt->exited = true;
      rt->exited_at = wall_now();
    }
    if (rt->started) {
      run.stage = PodRun::Stage::kTerminated;
      run.pod_ip = rt->ip;
      run.restarts = rt->restarts;
      run.container_started = rt->container_started;
      run.last_termination = rt->last_termination;
      run.termination = Termination{rt->killed ? 137 : 0, rt->killed ? "Error" : "Completed",
                                    rt->container_started, rt->exited_at, ""};
      if (!status_matches(pod, run)) {
        if (auto ok = write_status(pod, run); !ok) return Error{ok.error()};
      }
    }
    auto resource = pod_resource();
    if (!resource) return Error{resource.error()};
    kube::DeleteOptions options;
    options.grace_period_seconds = 0;
    options.precondition_uid = pod.uid;
    auto removed = client_.remove(*resource, pod.ns, pod.name, options);
    if (!removed && !removed.error().not_found() && !removed.error().conflict()) {
      return Error{"deleting the terminated pod: " + removed.error().describe()};
    }
    ++deletions_;
    forget(!rt->killed);
    return Next();
  }

  // A crash asked for by a fault: the container restarts at once.
  bool crash = false;
  {
    std::lock_guard lock(mutex_);
    crash = rt->crash_requested && rt->started;
    rt->crash_requested = false;
  }
  if (crash) {
    const WallTime wall = wall_now();
    rt->last_termination = Termination{1, "Error", rt->container_started, wall,
                                       container_id(rt->uid, rt->main_container, rt->restarts)};
    rt->restarts += 1;
    rt->container_started = wall;
    rt->ready_at = now + pod_times(profile_.kubelet, pod, rt->restarts).ready;
    if (rt->in_load) {
      load_.restart_pod(rt->ns, rt->name);
      rt->load_ready = false;
    }
    if (profile_.kubelet.events) {
      event(*rt, "Normal", "Started", "Started container " + rt->main_container);
    }
    spdlog::info("pod {} crashed (fault); restart {}", key, rt->restarts);
  }

  Next next;
  if (now < rt->running_at) {
    run.stage = PodRun::Stage::kCreating;
    next = rt->running_at;
  } else {
    if (rt->address == 0) {
      std::optional<std::uint32_t> address;
      {
        std::lock_guard lock(mutex_);
        address = addresses_of(pod.node).allocate();
      }
      if (!address) {
        event(*rt, "Warning", "FailedCreatePodSandBox",
              "no IP addresses available in range set: " +
                  nodes_.find(pod.node)->pod_cidr.to_string());
        return Next(now + sim_seconds(10));
      }
      std::lock_guard lock(mutex_);
      rt->address = *address;
      rt->ip = format_ipv4(*address);
    }
    if (!rt->started) {
      // (A pod adopted from a previous run keeps the start it had.)
      if (rt->container_started == WallTime{}) rt->container_started = wall_now();
      start_containers(*rt, pod);
    }
    run.stage = PodRun::Stage::kRunning;
    const bool node_ready = nodes_.ready(pod.node);
    run.ready = node_ready && now >= rt->ready_at;
    if (!node_ready) run.not_ready_reason = "NodeNotReady";
    if (now < rt->ready_at) next = rt->ready_at;
    if (rt->in_load && run.ready != rt->load_ready) {
      load_.set_ready(rt->ns, rt->name, run.ready);
      rt->load_ready = run.ready;
    }
  }
  run.pod_ip = rt->ip;
  run.restarts = rt->restarts;
  run.container_started = rt->container_started;
  run.last_termination = rt->last_termination;
  if (!status_matches(pod, run)) {
    if (auto ok = write_status(pod, run); !ok) return Error{ok.error()};
  }
  return next;
}

}  // namespace dynop::sim
