#pragma once
// Watches the replicas of scale targets (DGDSAs) through the shared informer
// and, for each change, reads who wrote it from the object's managedFields
// (one GET per change: the cache drops managedFields). Changes by writers
// other than the host's own autoscaler plugins go into the DecisionLog as
// "observed" (HPA, KEDA, kubectl...), and two writers of one /scale within
// the window give a Warning Event ScalingConflict on the target naming both
// (ScaleConflictTracker). Counted in dynop_scale_conflicts_total{namespace,name}.
//
// Runs on the leader only, on its own thread; the informer's handler only
// queues.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "host/autoscaling/autoscaler_runner.hpp"
#include "host/autoscaling/decision_log.hpp"
#include "host/autoscaling/scale_conflict.hpp"

namespace dynop::kube {
class Client;
class InformerFactory;
class Informer;
}  // namespace dynop::kube
namespace dynop::metrics {
class Registry;
}

namespace dynop::host::autoscaling {

struct ScaleConflictDetectorOptions {
  std::string api_version = "nvidia.com/v1alpha1";
  std::string kind = "DynamoGraphDeploymentScalingAdapter";
  std::chrono::milliseconds window{120000};
  // Field managers of the host's own plugins ("dynop-<plugin>"): their
  // writes are already in the log.
  std::set<std::string> own_managers;
};

class ScaleConflictDetector {
 public:
  ScaleConflictDetector(ScaleConflictDetectorOptions options, kube::InformerFactory& informers,
                        kube::Client& client, DecisionLog& log, EventFn events,
                        metrics::Registry& registry);
  ~ScaleConflictDetector();  // stop()
  void start();
  void stop();

 private:
  struct Change {
    ScaleTarget target;
    std::int32_t from;
    std::int32_t to;
  };
  void run();
  bool attach();  // adds the informer handler once the kind is served
  void examine(const Change& change);

  ScaleConflictDetectorOptions options_;
  kube::InformerFactory& informers_;
  kube::Client& client_;
  DecisionLog& log_;
  EventFn events_;
  metrics::Registry& registry_;
  ScaleConflictTracker tracker_;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Change> queue_;
  bool stopping_ = false;
  kube::Informer* informer_ = nullptr;
  int handler_id_ = 0;
  std::thread thread_;
};

}  // namespace dynop::host::autoscaling
