#include "host/scheduler/kube_scheduler_client.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "lib/apimachinery/time.hpp"
#include "lib/record/kube_event_sink.hpp"

namespace dynop::host::scheduler {

namespace json = boost::json;

namespace {

const kube::ResourceInfo& pods_resource() {
  static const kube::ResourceInfo pods = [] {
    kube::ResourceInfo r;
    r.version = "v1";
    r.resource = "pods";
    r.kind = "Pod";
    r.namespaced = true;
    return r;
  }();
  return pods;
}

}  // namespace

WriteOutcome outcome_of(const kube::Error& error) {
  WriteOutcome o;
  o.message = error.message;
  switch (error.kind) {
    case kube::ErrorKind::kNotFound:
      o.kind = WriteOutcome::Kind::kGone;
      break;
    case kube::ErrorKind::kConflict:
      // "already assigned", "being deleted" and a stale uid all land here.
      o.kind = error.message.find("UID") != std::string::npos ||
                       error.message.find("being deleted") != std::string::npos
                   ? WriteOutcome::Kind::kGone
                   : WriteOutcome::Kind::kConflict;
      break;
    case kube::ErrorKind::kTooManyRequests:
    case kube::ErrorKind::kServerError:
    case kube::ErrorKind::kTransport:
      o.kind = WriteOutcome::Kind::kRetryable;
      break;
    default:
      o.kind = WriteOutcome::Kind::kFailed;
      break;
  }
  return o;
}

KubeSchedulerClient::KubeSchedulerClient(kube::Client& client, std::string instance)
    : client_(client), instance_(std::move(instance)) {
  if (auto sink = record::make_kube_event_sink(client)) {
    sink_ = std::move(sink.value());
  } else {
    spdlog::warn("scheduler events will not be recorded: {}", sink.error().describe());
  }
  status_thread_ = std::thread([this] { write_statuses(); });
}

KubeSchedulerClient::~KubeSchedulerClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  status_thread_.join();
  std::lock_guard lock(recorders_mutex_);
  recorders_.clear();  // flushes queued events
}

WriteOutcome KubeSchedulerClient::bind(const PodInfo& pod, std::string_view node) {
  auto status = client_.bind(pod.ns, pod.name, node, pod.uid);
  if (!status) return outcome_of(status.error());
  return {};
}

WriteOutcome KubeSchedulerClient::annotate(const PodInfo& pod, std::string_view key,
                                           std::string_view value) {
  const kube::ResourceInfo& pods = pods_resource();
  json::object patch{
      {"metadata", json::object{{"uid", pod.uid}, {"annotations", json::object{{key, value}}}}}};
  auto r = client_.patch(pods, pod.ns, pod.name, kube::PatchType::kMerge, json::serialize(patch));
  if (!r) return outcome_of(r.error());
  return {};
}

WriteOutcome KubeSchedulerClient::delete_pod(const PodInfo& pod) {
  const kube::ResourceInfo& pods = pods_resource();
  kube::DeleteOptions options;
  options.precondition_uid = pod.uid;
  auto r = client_.remove(pods, pod.ns, pod.name, options);
  if (!r) return outcome_of(r.error());
  return {};
}

void KubeSchedulerClient::set_unschedulable(const PodInfo& pod, std::string_view message) {
  {
    std::lock_guard lock(mutex_);
    statuses_[pod.key()] = PendingStatus{pod.ns, pod.name, pod.uid, std::string(message)};
  }
  cv_.notify_one();
}

void KubeSchedulerClient::write_statuses() {
  const kube::ResourceInfo& pods = pods_resource();
  for (;;) {
    PendingStatus s;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !statuses_.empty(); });
      if (stopping_) return;
      s = std::move(statuses_.begin()->second);
      statuses_.erase(statuses_.begin());
    }
    // kube-scheduler's PodScheduled condition for a pod that fits nowhere;
    // conditions merge by type in a strategic merge patch.
    json::object condition{{"type", "PodScheduled"},
                           {"status", "False"},
                           {"reason", "Unschedulable"},
                           {"message", s.message},
                           {"lastProbeTime", nullptr},
                           {"lastTransitionTime", apimachinery::format_time(apimachinery::now())}};
    json::object patch{{"metadata", json::object{{"uid", s.uid}}},
                       {"status", json::object{{"conditions", json::array{condition}}}}};
    auto r = client_.patch(pods, s.ns, s.name, kube::PatchType::kStrategicMerge,
                           json::serialize(patch), "status");
    if (!r && !r.error().not_found())
      spdlog::debug("PodScheduled condition of {}/{} not written: {}", s.ns, s.name,
                    r.error().message);
  }
}

record::EventRecorder* KubeSchedulerClient::recorder(const std::string& scheduler_name) {
  if (!sink_) return nullptr;
  std::lock_guard lock(recorders_mutex_);
  auto& r = recorders_[scheduler_name];
  if (!r) {
    record::EventRecorderOptions options;
    options.component = scheduler_name;
    options.instance = instance_;
    options.max_pending = 10000;
    r = std::make_unique<record::EventRecorder>(options, *sink_);
  }
  return r.get();
}

void KubeSchedulerClient::record_event(const PodInfo& pod, std::string_view type,
                                       std::string_view reason, std::string_view message) {
  record::EventRecorder* r = recorder(pod.scheduler_name);
  if (r == nullptr) return;
  r->record(record::InvolvedObject{"v1", "Pod", pod.ns, pod.name, pod.uid, pod.resource_version},
            std::string(type), std::string(reason), std::string(message));
}

}  // namespace dynop::host::scheduler
