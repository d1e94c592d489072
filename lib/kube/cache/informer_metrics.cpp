#include "lib/kube/cache/informer_metrics.hpp"

#include "lib/metrics/registry.hpp"

namespace dynop::kube {

std::string resource_label(const ResourceInfo& resource) {
  return resource.group.empty() ? resource.resource : resource.resource + "." + resource.group;
}

InformerMetrics::InformerMetrics(metrics::Registry& registry, const std::string& resource) {
  const auto with = [&](const auto& family, const char* key, const char* value) {
    return &family.with({{"resource", resource}, {key, value}});
  };
  const auto lists = registry.counter("dynop_informer_lists_total",
                                      "Complete lists (every page) of a resource, by result.");
  lists_ok_ = with(lists, "result", "success");
  lists_failed_ = with(lists, "result", "error");
  // In enum order.
  const auto relists = registry.counter(
      "dynop_informer_relists_total",
      "Lists started, by reason: initial, gone (410 Gone) or error (retry of a failed list).");
  for (std::size_t i = 0; const char* reason : {"initial", "gone", "error"})
    list_reasons_[i++] = with(relists, "reason", reason);
  watches_ = &registry.counter("dynop_informer_watches_total", "Watch requests made.")
                  .with({{"resource", resource}});
  const auto ends = registry.counter(
      "dynop_informer_watch_ends_total",
      "Watches that ended, by reason: closed (by the server), error, or gone (410 Gone).");
  for (std::size_t i = 0; const char* reason : {"closed", "error", "gone"})
    watch_ends_[i++] = with(ends, "reason", reason);

  static_assert(static_cast<int>(EventType::kBookmark) == 3 &&
                static_cast<int>(EventType::kError) == 4);
  const auto events =
      registry.counter("dynop_informer_events_total", "Watch events received, by type.");
  for (EventType type :
       {EventType::kAdded, EventType::kModified, EventType::kDeleted, EventType::kBookmark})
    events_[index(type)] = with(events, "type", to_string(type));

  objects_ = &registry.gauge("dynop_informer_objects", "Objects in the informer's cache.")
                  .with({{"resource", resource}});
}

}  // namespace dynop::kube
