#pragma once
// The dgdsa plugin's decision: from an adapter, its DGD and the service's
// pods, what to write. The adapter's spec.replicas is the source of truth; it
// is copied into the DGD service (the operator's own identity passes the
// admission guard), and the adapter's status reports the selector and the
// replica groups the service really has.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/common/dgd_view.hpp"
#include "plugins/common/dgdsa_view.hpp"
#include "plugins/common/pod_groups.hpp"

namespace dynop::plugins::dgdsa {

inline constexpr std::string_view kEventScaled = "Scaled";
inline constexpr std::string_view kEventUpdateFailed = "UpdateFailed";

struct Event {
  std::string type;  // "Normal" | "Warning"
  std::string reason;
  std::string message;
};

struct SyncInput {
  const common::AdapterParseResult* adapter = nullptr;  // required
  const common::DgdView* dgd = nullptr;                 // nullptr: not found
  std::vector<common::ObservedPod> pods;  // the service's pods (by the adapter's selector)
  std::string now;                        // RFC 3339, for lastScaleTime
};

struct SyncPlan {
  // A JSON merge patch for the DGD: the service's replicas, with the DGD's
  // resourceVersion so a concurrent change fails with 409 and is retried.
  std::optional<boost::json::object> dgd_patch;
  std::int32_t from_replicas = 0;
  std::int32_t to_replicas = 0;
  // Emitted once the DGD write succeeded (Scaled).
  std::vector<Event> events_on_success;
  // Emitted now (missing DGD or service, invalid adapter).
  std::vector<Event> events;
  // The adapter's new status when it differs from the current one; written
  // after the DGD patch succeeded (it carries lastScaleTime when scaled).
  std::optional<boost::json::object> status;
  // Non-empty: nothing more to do now; return an error carrying this message so
  // the host retries with backoff.
  std::string retry_reason;
};

SyncPlan plan_adapter_sync(const SyncInput& input);

// The event for a DGD write that failed, with the API server's message.
Event update_failed_event(const common::AdapterView& adapter, std::string_view error);

// "Scaled service decode from 1 to 3 replicas".
std::string scaled_message(std::string_view service, std::int32_t from, std::int32_t to);

}  // namespace dynop::plugins::dgdsa
