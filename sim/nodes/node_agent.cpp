#include "sim/nodes/node_agent.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include "lib/apimachinery/json_decode.hpp"
#include "lib/apimachinery/time.hpp"

namespace dynop::sim {

namespace json = boost::json;
using apimachinery::Error;
using apimachinery::Result;

namespace {

// The key that asks a worker to delete the nodes a previous profile left.
constexpr char kCleanUpKey[] = "#clean-up";

Error api_error(const std::string& what, const kube::Error& e) {
  return Error{what + ": " + e.describe()};
}

Result<json::object> object_of(const std::string& text) {
  auto v = apimachinery::decode_json(text);
  if (!v) return Error{v.error()};
  if (!v->is_object()) return Error{"the response is not a JSON object"};
  return std::move(v->as_object());
}

std::string uid_of(const json::object& object) {
  const json::value* meta = object.if_contains("metadata");
  if (!meta || !meta->is_object()) return {};
  const json::value* uid = meta->as_object().if_contains("uid");
  return uid && uid->is_string() ? std::string(uid->as_string()) : std::string();
}

// What we keep of a written Lease: without managedFields (the server keeps
// them when an update leaves them out), so renewals stay small.
json::object compact(json::object lease) {
  if (json::value* meta = lease.if_contains("metadata"); meta && meta->is_object()) {
    meta->as_object().erase("managedFields");
  }
  return lease;
}

}  // namespace

NodeAgent::NodeAgent(kube::Client& client, const NodeProfile& profile, Options options)
    : client_(client),
      profile_(profile),
      options_(options),
      clock_(options.clock ? *options.clock : clock::real_clock()),
      nodes_(expand_nodes(profile)),
      runtimes_(nodes_.size()) {
  for (const SimNode& n : nodes_) by_name_.emplace(n.name, n.index);
  workqueue::WorkQueue<std::string>::Options queue;
  queue.clock = &clock_;
  // Per-node backoff only: after an outage every node retries on its own
  // schedule, not through an overall bucket that would take minutes to drain.
  queue.rate_limiter = std::make_unique<workqueue::ItemExponentialFailureRateLimiter<std::string>>(
      std::chrono::milliseconds(200), std::chrono::seconds(10));
  queue_ = std::make_unique<workqueue::WorkQueue<std::string>>(std::move(queue));
}

NodeAgent::~NodeAgent() { stop(); }

void NodeAgent::start() {
  if (!workers_.empty()) return;
  queue_->add(kCleanUpKey);
  for (const SimNode& n : nodes_) queue_->add(n.name);
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { work(); });
}

void NodeAgent::stop() {
  queue_->shut_down();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

const SimNode* NodeAgent::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &nodes_[it->second];
}

NodeAgent::Runtime* NodeAgent::runtime(std::string_view name) {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &runtimes_[it->second];
}

const NodeAgent::Runtime* NodeAgent::runtime(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &runtimes_[it->second];
}

bool NodeAgent::serves(std::string_view name) const {
  std::lock_guard lock(mutex_);
  const Runtime* rt = runtime(name);
  return rt && !rt->removed;
}

bool NodeAgent::ready(std::string_view name) const {
  std::lock_guard lock(mutex_);
  const Runtime* rt = runtime(name);
  return rt && !rt->removed && rt->health.ready;
}

std::size_t NodeAgent::registered() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const Runtime& rt : runtimes_) n += rt.registered && !rt.removed ? 1 : 0;
  return n;
}

bool NodeAgent::wait_registered(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return registered_cv_.wait_for(lock, timeout, [&] {
    for (const Runtime& rt : runtimes_) {
      if (!rt.removed && !rt.registered) return false;
    }
    return true;
  });
}

void NodeAgent::set_on_change(std::function<void(const std::string&)> on_change) {
  std::lock_guard lock(mutex_);
  on_change_ = std::move(on_change);
}

void NodeAgent::changed(const std::string& name) {
  std::function<void(const std::string&)> f;
  {
    std::lock_guard lock(mutex_);
    f = on_change_;
  }
  if (f) f(name);
}

Result<void> NodeAgent::set_ready(const std::string& name, bool ready) {
  {
    std::lock_guard lock(mutex_);
    Runtime* rt = runtime(name);
    if (!rt || rt->removed) return Error{"node \"" + name + "\" is not a node of this sim"};
    rt->health.ready = ready;
  }
  queue_->add(name);
  changed(name);
  return {};
}

Result<std::int64_t> NodeAgent::fail_gpus(const std::string& name, std::int64_t count) {
  std::int64_t left = 0;
  {
    std::lock_guard lock(mutex_);
    Runtime* rt = runtime(name);
    if (!rt || rt->removed) return Error{"node \"" + name + "\" is not a node of this sim"};
    const SimNode& node = *find(name);
    if (node.gpus == 0) return Error{"node \"" + name + "\" has no GPUs"};
    rt->health.failed_gpus = std::clamp<std::int64_t>(rt->health.failed_gpus + count, 0, node.gpus);
    left = node.gpus - rt->health.failed_gpus;
  }
  queue_->add(name);
  return left;
}

Result<void> NodeAgent::remove(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    Runtime* rt = runtime(name);
    if (!rt || rt->removed) return Error{"node \"" + name + "\" is not a node of this sim"};
    rt->removed = true;
  }
  queue_->add(name);
  changed(name);
  return {};
}

NodeAgentStats NodeAgent::stats() const {
  NodeAgentStats s;
  s.registrations = registrations_.load();
  s.lease_writes = lease_writes_.load();
  s.status_writes = status_writes_.load();
  s.api_errors = api_errors_.load();
  s.registered = registered();
  return s;
}

void NodeAgent::work() {
  while (auto key = queue_->get()) {
    Result<std::optional<clock::TimePoint>> next = std::optional<clock::TimePoint>();
    if (*key == kCleanUpKey) {
      auto done = clean_up_stale();
      if (!done) next = Error{done.error()};
    } else {
      next = sync(*key);
    }
    if (!next) {
      const std::uint64_t errors = ++api_errors_;
      // One line now and then: an unreachable API server fails every node.
      if (errors == 1 || errors % 1000 == 0) {
        spdlog::warn("node {}: {} (retrying with backoff; {} failures so far)", *key, next.error(),
                     errors);
      } else {
        spdlog::debug("node {}: {}", *key, next.error());
      }
      queue_->add_rate_limited(*key);
    } else {
      queue_->forget(*key);
      if (*next) queue_->add_after(*key, **next - clock_.now());
    }
    queue_->done(*key);
  }
}

Result<void> NodeAgent::resolve() {
  {
    std::lock_guard lock(mutex_);
    if (node_resource_ && lease_resource_) return {};
  }
  auto nodes = client_.resource_for("v1", "Node");
  if (!nodes) return api_error("discovering v1 Node", nodes.error());
  auto leases = client_.resource_for("coordination.k8s.io/v1", "Lease");
  if (!leases) return api_error("discovering coordination.k8s.io/v1 Lease", leases.error());
  std::lock_guard lock(mutex_);
  node_resource_ = *nodes;
  lease_resource_ = *leases;
  return {};
}

Result<void> NodeAgent::clean_up_stale() {
  if (auto ok = resolve(); !ok) return ok;
  kube::ListOptions options;
  options.label_selector = std::string(kInstanceLabel) + "=" + profile_.instance;
  auto list = client_.list(*node_resource_, "", options);
  if (!list) return api_error("listing this sim's nodes", list.error());
  auto doc = object_of(*list);
  if (!doc) return Error{"listing this sim's nodes: " + doc.error()};
  const json::value* items = doc->if_contains("items");
  if (!items || !items->is_array()) return {};
  for (const json::value& item : items->as_array()) {
    if (!item.is_object()) continue;
    const json::value* meta = item.as_object().if_contains("metadata");
    if (!meta || !meta->is_object()) continue;
    const json::value* name = meta->as_object().if_contains("name");
    if (!name || !name->is_string()) continue;
    const std::string n(name->as_string());
    if (find(n)) continue;
    auto removed = client_.remove(*node_resource_, "", n);
    if (!removed && !removed.error().not_found()) {
      return api_error("deleting node " + n + ", which the profile no longer has", removed.error());
    }
    spdlog::info("deleted node {}: instance {} no longer has it", n, profile_.instance);
  }
  return {};
}

Result<std::optional<clock::TimePoint>> NodeAgent::sync(const std::string& name) {
  const SimNode* node = find(name);
  if (!node) return std::optional<clock::TimePoint>();
  if (auto ok = resolve(); !ok) return Error{ok.error()};
  Runtime& rt = *runtime(name);
  NodeHealth health;
  bool removed = false;
  bool registered = false;
  {
    std::lock_guard lock(mutex_);
    health = rt.health;
    removed = rt.removed;
    registered = rt.registered;
  }
  if (removed) {
    if (registered) {
      auto r = client_.remove(*node_resource_, "", name);
      if (!r && !r.error().not_found()) return api_error("deleting node " + name, r.error());
      {
        std::lock_guard lock(mutex_);
        rt.registered = false;
      }
      rt.lease.reset();
      spdlog::info("node {} deleted (fault)", name);
    }
    return std::optional<clock::TimePoint>();
  }
  if (!registered) {
    if (auto ok = register_node(*node, rt); !ok) return Error{ok.error()};
    {
      std::lock_guard lock(mutex_);
      rt.registered = true;
    }
    registered_cv_.notify_all();
    changed(name);
  }
  const clock::TimePoint now = clock_.now();
  if (now >= rt.next_renew) {
    if (auto ok = renew_lease(*node, rt); !ok) return Error{ok.error()};
    rt.next_renew = now + profile_.kubelet.renew_interval();
  }
  if (!(health == rt.reported) || now >= rt.next_report) {
    if (auto ok = report_status(*node, rt); !ok) return Error{ok.error()};
    rt.reported = health;
    rt.next_report = now + profile_.kubelet.status_report_interval;
  }
  return std::optional<clock::TimePoint>(std::min(rt.next_renew, rt.next_report));
}

Result<void> NodeAgent::register_node(const SimNode& node, Runtime& rt) {
  NodeHealth health;
  {
    std::lock_guard lock(mutex_);
    health = rt.health;
  }
  const auto wall = clock_.wall_now();
  json::object body = render_node(node, profile_, health, wall, rt.transitions);
  auto created = client_.create(*node_resource_, "", json::serialize(body));
  std::string uid;
  if (created) {
    auto doc = object_of(*created);
    if (doc) uid = uid_of(*doc);
  } else if (created.error().already_exists()) {
    // A node of an earlier run: adopt it, bringing what a kubelet owns up to date.
    auto got = client_.get(*node_resource_, "", node.name);
    if (!got) return api_error("reading existing node " + node.name, got.error());
    auto doc = object_of(*got);
    if (doc) uid = uid_of(*doc);
    json::object meta_patch{
        {"metadata", json::object{{"labels", body["metadata"].as_object()["labels"]},
                                  {"annotations", body["metadata"].as_object()["annotations"]}}}};
    auto patched = client_.patch(*node_resource_, "", node.name, kube::PatchType::kMerge,
                                 json::serialize(meta_patch));
    if (!patched) return api_error("updating the labels of node " + node.name, patched.error());
    auto status =
        client_.patch(*node_resource_, "", node.name, kube::PatchType::kStrategicMerge,
                      json::serialize(json::object{{"status", body["status"]}}), "status");
    if (!status) return api_error("updating the status of node " + node.name, status.error());
    spdlog::debug("adopted existing node {}", node.name);
  } else {
    return api_error("registering node " + node.name, created.error());
  }
  ++registrations_;
  rt.uid = uid;
  rt.lease.reset();
  rt.reported = health;
  const clock::TimePoint now = clock_.now();
  rt.next_renew = now;  // the lease is created right away
  // Spread the nodes' status reports over the report interval.
  const auto spread = profile_.kubelet.status_report_interval *
                      static_cast<double>(node.index + 1) / static_cast<double>(nodes_.size());
  rt.next_report = now + std::chrono::duration_cast<clock::Duration>(spread);
  return {};
}

Result<void> NodeAgent::renew_lease(const SimNode& node, Runtime& rt) {
  const auto wall = clock_.wall_now();
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (!rt.lease) {
      json::object lease = render_lease(node, rt.uid, profile_, wall);
      auto created = client_.create(*lease_resource_, kNodeLeaseNamespace, json::serialize(lease));
      if (created) {
        auto doc = object_of(*created);
        if (!doc) return Error{"creating the lease of " + node.name + ": " + doc.error()};
        rt.lease = compact(std::move(*doc));
        ++lease_writes_;
        return {};
      }
      if (!created.error().already_exists()) {
        return api_error("creating the lease of node " + node.name, created.error());
      }
      auto got = client_.get(*lease_resource_, kNodeLeaseNamespace, node.name);
      if (!got) return api_error("reading the lease of node " + node.name, got.error());
      auto doc = object_of(*got);
      if (!doc) return Error{"reading the lease of " + node.name + ": " + doc.error()};
      rt.lease = compact(std::move(*doc));
    }
    // Renew what we wrote last, as the kubelet's lease controller does.
    json::object lease = *rt.lease;
    json::object fresh = render_lease(node, rt.uid, profile_, wall);
    lease["spec"] = fresh["spec"];
    if (json::value* meta = lease.if_contains("metadata");
        meta && meta->is_object() && !rt.uid.empty()) {
      meta->as_object()["ownerReferences"] = fresh["metadata"].as_object()["ownerReferences"];
    }
    auto updated =
        client_.update(*lease_resource_, kNodeLeaseNamespace, node.name, json::serialize(lease));
    if (updated) {
      auto doc = object_of(*updated);
      if (!doc) return Error{"renewing the lease of " + node.name + ": " + doc.error()};
      rt.lease = compact(std::move(*doc));
      ++lease_writes_;
      return {};
    }
    if (updated.error().not_found()) {
      // The lease is gone. If its node went too (an API server that lost its
      // data), register the node again first: a lease owned by a node that
      // does not exist would be garbage-collected at once.
      auto got = client_.get(*node_resource_, "", node.name);
      if (!got && got.error().not_found()) {
        std::lock_guard lock(mutex_);
        rt.registered = false;
        return Error{"node " + node.name + " is gone; registering it again"};
      }
      if (!got) return api_error("reading node " + node.name, got.error());
      if (auto doc = object_of(*got)) rt.uid = uid_of(*doc);
      rt.lease.reset();
      continue;
    }
    if (updated.error().conflict()) {
      // Someone else wrote it: read it again and renew that.
      auto got = client_.get(*lease_resource_, kNodeLeaseNamespace, node.name);
      if (!got) return api_error("reading the lease of node " + node.name, got.error());
      auto doc = object_of(*got);
      if (!doc) return Error{"reading the lease of " + node.name + ": " + doc.error()};
      rt.lease = compact(std::move(*doc));
      continue;
    }
    return api_error("renewing the lease of node " + node.name, updated.error());
  }
  return Error{"renewing the lease of node " + node.name + ": it keeps changing under us"};
}

Result<void> NodeAgent::report_status(const SimNode& node, Runtime& rt) {
  NodeHealth health;
  {
    std::lock_guard lock(mutex_);
    health = rt.health;
  }
  json::object status =
      render_node_status(node, profile_, health, clock_.wall_now(), rt.transitions);
  auto patched =
      client_.patch(*node_resource_, "", node.name, kube::PatchType::kStrategicMerge,
                    json::serialize(json::object{{"status", std::move(status)}}), "status");
  if (!patched) {
    if (patched.error().not_found()) {
      // The Node is gone (an API server that lost its data, or a delete we
      // did not make): register it again on the retry.
      std::lock_guard lock(mutex_);
      rt.registered = false;
    }
    return api_error("reporting the status of node " + node.name, patched.error());
  }
  ++status_writes_;
  return {};
}

}  // namespace dynop::sim
