#pragma once
// What the scheduler writes to the API server, as an interface: the kube
// client in production (kube_scheduler_client.hpp), fakes in tests. Calls
// are synchronous and made from binding threads (writes that decide where a
// pod runs) or the scheduling thread (best-effort status and events, which
// implementations must not block on).

#include <string>
#include <string_view>

#include "host/scheduler/pod_info.hpp"

namespace dynop::host::scheduler {

struct WriteOutcome {
  enum class Kind {
    kOk,
    kGone,       // the pod no longer exists as we knew it (404, another uid, being deleted)
    kConflict,   // someone else bound it already
    kRetryable,  // 429/5xx/transport: worth another try
    kFailed,     // anything else
  };
  Kind kind = Kind::kOk;
  std::string message;
  bool ok() const { return kind == Kind::kOk; }
};

class SchedulerClient {
 public:
  virtual ~SchedulerClient() = default;
  // POST pods/<name>/binding to `node`, for the pod with this uid.
  virtual WriteOutcome bind(const PodInfo& pod, std::string_view node) = 0;
  // Sets metadata.annotations[key] = value on the pod with this uid.
  virtual WriteOutcome annotate(const PodInfo& pod, std::string_view key,
                                std::string_view value) = 0;
  // Deletes the pod with this uid.
  virtual WriteOutcome delete_pod(const PodInfo& pod) = 0;
  // Best effort, asynchronous: PodScheduled=False, reason Unschedulable.
  virtual void set_unschedulable(const PodInfo& pod, std::string_view message) = 0;
  // Best effort, asynchronous: an Event on the pod (type "Normal"/"Warning").
  virtual void record_event(const PodInfo& pod, std::string_view type, std::string_view reason,
                            std::string_view message) = 0;
};

}  // namespace dynop::host::scheduler
