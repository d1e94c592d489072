#pragma once
// What an informer exports through dynop::metrics::Registry, each series
// labelled resource="<plural>[.<group>]" (kubectl's spelling: "pods",
// "dynamographdeployments.nvidia.com"):
//   dynop_informer_lists_total{result="success"|"error"}   complete lists (all pages)
//   dynop_informer_relists_total{reason="initial"|"gone"|"error"}
//       why each list was started: the first one, a 410 Gone (from a watch or
//       an expired continue token), or a retry after a failed list
//   dynop_informer_watches_total                             watch requests made
//   dynop_informer_watch_ends_total{reason="closed"|"error"|"gone"}
//       closed: the server ended the watch normally (timeout); error: the
//       request failed, the stream broke, an ERROR event or an undecodable
//       event; gone: 410, which makes the informer relist
//   dynop_informer_events_total{type="ADDED"|"MODIFIED"|"DELETED"|"BOOKMARK"}
//   dynop_informer_objects                                   objects in the cache
// client-go's reflector_* metrics were the equivalent until they were removed
// (kubernetes/kubernetes#74636) and controller-runtime has none, so there is
// no name dashboards already know; hence dynop_informer_*.
//
// Every series is resolved once, in the constructor: the event path only
// touches atomics, never a label lookup.

#include <array>
#include <string>

#include "lib/kube/cache/object_decoder.hpp"
#include "lib/kube/client/resource.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::metrics {
class Registry;
}

namespace dynop::kube {

// "pods", "dynamographdeployments.nvidia.com".
std::string resource_label(const ResourceInfo& resource);

class InformerMetrics {
 public:
  enum class ListReason { kInitial, kGone, kError };
  enum class WatchEndReason { kClosed, kError, kGone };

  // `registry` must outlive this object. Two informers for one resource in
  // the same registry would share (and so garble) the objects gauge; the
  // InformerFactory makes one per kind.
  InformerMetrics(metrics::Registry& registry, const std::string& resource);

  void on_list_started(ListReason reason) { list_reasons_[index(reason)]->Increment(); }
  void on_list_done(bool ok) { (ok ? lists_ok_ : lists_failed_)->Increment(); }
  void on_watch_started() { watches_->Increment(); }
  void on_watch_end(WatchEndReason reason) { watch_ends_[index(reason)]->Increment(); }
  // kError is not counted here: an ERROR event ends the watch (on_watch_end).
  void on_event(EventType type) {
    if (type != EventType::kError) events_[index(type)]->Increment();
  }
  void on_object_added() { objects_->Increment(); }
  void on_object_removed() { objects_->Decrement(); }
  void set_objects(std::size_t count) { objects_->Set(static_cast<double>(count)); }

 private:
  template <class E>
  static std::size_t index(E e) {
    return static_cast<std::size_t>(e);
  }

  metrics::Counter* lists_ok_;
  metrics::Counter* lists_failed_;
  std::array<metrics::Counter*, 3> list_reasons_;
  metrics::Counter* watches_;
  std::array<metrics::Counter*, 3> watch_ends_;
  std::array<metrics::Counter*, 4> events_;  // by EventType, without kError
  metrics::Gauge* objects_;
};

}  // namespace dynop::kube
