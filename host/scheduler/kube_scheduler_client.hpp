#pragma once
// SchedulerClient over the kube REST client: bindings as kube-scheduler
// posts them (a Binding carrying the pod's uid), plan annotations as merge
// patches carrying the uid, deletions with a uid precondition; the
// PodScheduled condition as a strategic merge patch of pods/<name>/status
// and Events through an EventRecorder per scheduler name (reporting
// component = the scheduler name, as kube-scheduler's profiles do). Status
// and events are written by background threads: the scheduling thread never
// waits for them, and a pod's newer condition replaces one not yet written.

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "host/scheduler/scheduler_client.hpp"
#include "lib/kube/client/client.hpp"
#include "lib/record/event_recorder.hpp"

namespace dynop::host::scheduler {

class KubeSchedulerClient final : public SchedulerClient {
 public:
  // `client` must outlive this. `instance`: the events' reportingInstance.
  KubeSchedulerClient(kube::Client& client, std::string instance);
  ~KubeSchedulerClient() override;

  WriteOutcome bind(const PodInfo& pod, std::string_view node) override;
  WriteOutcome annotate(const PodInfo& pod, std::string_view key, std::string_view value) override;
  WriteOutcome delete_pod(const PodInfo& pod) override;
  void set_unschedulable(const PodInfo& pod, std::string_view message) override;
  void record_event(const PodInfo& pod, std::string_view type, std::string_view reason,
                    std::string_view message) override;

 private:
  void write_statuses();
  record::EventRecorder* recorder(const std::string& scheduler_name);

  kube::Client& client_;
  std::string instance_;
  std::unique_ptr<record::EventSink> sink_;
  std::mutex recorders_mutex_;
  std::map<std::string, std::unique_ptr<record::EventRecorder>> recorders_;

  std::mutex mutex_;
  std::condition_variable cv_;
  struct PendingStatus {
    std::string ns, name, uid, message;
  };
  std::map<std::string, PendingStatus> statuses_;  // by namespace/name: the latest wins
  bool stopping_ = false;
  std::thread status_thread_;
};

// How a kube error reads to the scheduler.
WriteOutcome outcome_of(const kube::Error& error);

}  // namespace dynop::host::scheduler
