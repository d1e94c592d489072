#include "host/autoscaling/scale_conflict_detector.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <optional>

#include "lib/apimachinery/json_decode.hpp"
#include "lib/kube/cache/informer.hpp"
#include "lib/kube/cache/informer_factory.hpp"
#include "lib/kube/client/client.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::host::autoscaling {
namespace {

std::optional<std::int32_t> spec_replicas(std::string_view json) {
  thread_local apimachinery::JsonDecoder decoder;
  auto doc = decoder.parse_view(json);
  if (!doc) return std::nullopt;
  int64_t replicas = 0;
  if ((*doc)["spec"]["replicas"].get(replicas) != simdjson::SUCCESS) return std::nullopt;
  return static_cast<std::int32_t>(replicas);
}

}  // namespace

ScaleConflictDetector::ScaleConflictDetector(ScaleConflictDetectorOptions options,
                                             kube::InformerFactory& informers, kube::Client& client,
                                             DecisionLog& log, EventFn events,
                                             metrics::Registry& registry)
    : options_(std::move(options)),
      informers_(informers),
      client_(client),
      log_(log),
      events_(std::move(events)),
      registry_(registry),
      tracker_(options_.window) {}

ScaleConflictDetector::~ScaleConflictDetector() { stop(); }

void ScaleConflictDetector::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void ScaleConflictDetector::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (informer_ != nullptr && handler_id_ != 0) {
    informer_->remove_handler(handler_id_);
    handler_id_ = 0;
  }
}

bool ScaleConflictDetector::attach() {
  auto informer = informers_.informer_for(options_.api_version, options_.kind);
  if (!informer) return false;
  informer_ = *informer;
  kube::EventHandler handler;
  handler.on_update = [this](const kube::ObjectPtr& old, const kube::ObjectPtr& now) {
    auto from = spec_replicas(old->json());
    auto to = spec_replicas(now->json());
    if (!from || !to || *from == *to) return;
    std::lock_guard lock(mutex_);
    queue_.push_back(Change{ScaleTarget{options_.api_version, options_.kind, std::string(now->ns()),
                                        std::string(now->name())},
                            *from, *to});
    cv_.notify_all();
  };
  handler_id_ = informer_->add_handler(std::move(handler));
  return true;
}

void ScaleConflictDetector::run() {
  // The kind may not be served yet (CRDs applied after the host started).
  std::chrono::milliseconds retry(500);
  while (!attach()) {
    std::unique_lock lock(mutex_);
    if (cv_.wait_for(lock, retry, [&] { return stopping_; })) return;
    retry = std::min(retry * 2, std::chrono::milliseconds(10000));
  }
  for (;;) {
    Change change;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      change = std::move(queue_.front());
      queue_.pop_front();
    }
    examine(change);
  }
}

void ScaleConflictDetector::examine(const Change& change) {
  auto resource = client_.resource_for(change.target.api_version, change.target.kind);
  if (!resource) return;
  auto object = client_.get(*resource, change.target.ns, change.target.name);
  if (!object) return;  // deleted meanwhile
  auto write = latest_scale_writer(*object);
  if (!write) return;  // not a /scale write, or a server that records none
  if (!options_.own_managers.contains(write->manager)) {
    Decision d;
    d.time_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(write->time.time_since_epoch())
            .count();
    d.writer = write->manager;
    d.target = change.target;
    d.from = change.from;
    d.to = change.to;
    d.outcome = DecisionOutcome::kObserved;
    log_.append(std::move(d));
  }
  auto conflict = tracker_.observe(change.target, *write);
  if (!conflict) return;
  const std::string message = conflict->message();
  spdlog::warn("{} {}/{}: {}", change.target.kind, change.target.ns, change.target.name, message);
  registry_
      .counter("dynop_scale_conflicts_total",
               "Times two writers changed one /scale within the conflict window.")
      .with({{"namespace", change.target.ns}, {"name", change.target.name}})
      .Increment();
  if (events_) events_(change.target, "Warning", "ScalingConflict", message);
}

}  // namespace dynop::host::autoscaling
