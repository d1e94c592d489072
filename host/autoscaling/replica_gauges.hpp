#pragma once
// Exports, for Prometheus and the timeline page (/ui/), the replica counts a
// scaling timeline needs, read from the host's informer caches:
//   dynop_scale_target_replicas{namespace,name,graph,service}
//     a DGDSA's spec.replicas (the desired size every autoscaler writes)
//   dynop_graph_service_ready_replicas{namespace,graph,service}
//     a DGD's status.services.<service>.readyReplicas
// A series goes away with its object. Runs on the leader (the replica whose
// controllers run); kinds not served yet are attached when they appear
// (0.5 s doubling to 10 s), on its own thread.

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lib/kube/cache/cached_object.hpp"

namespace dynop::kube {
class InformerFactory;
class Informer;
}  // namespace dynop::kube
namespace dynop::metrics {
class Registry;
}

namespace dynop::host::autoscaling {

class ReplicaGauges {
 public:
  ReplicaGauges(kube::InformerFactory& informers, metrics::Registry& registry);
  ~ReplicaGauges();  // stop()
  void start();
  void stop();

  // The gauges' label sets for one object (exposed for tests): for a DGDSA
  // one set (with "value"), for a DGD one per service.
  struct Reading {
    std::map<std::string, std::string> labels;
    double value = 0;
  };
  static std::vector<Reading> read_adapter(std::string_view json);
  static std::vector<Reading> read_graph(std::string_view json);

 private:
  struct Kind;
  void run();
  bool attach(Kind& kind);
  void set(Kind& kind, const kube::ObjectPtr& object);
  void clear(Kind& kind, const kube::ObjectPtr& object);

  kube::InformerFactory& informers_;
  metrics::Registry& registry_;
  std::vector<Kind> kinds_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dynop::host::autoscaling
