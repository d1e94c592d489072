#pragma once
// A 409 Conflict on a write means the copy we read was stale: another writer
// (a user, an autoscaler, the other plugin) got there first. That is the
// normal cost of optimistic concurrency, not a problem to warn about: the
// newer version is already on its way through the watch, so the reconcile is
// retried shortly and reads it. Header-only: used by the dgd and dgdsa
// reconcilers, which link the SDK (the pure plugin logic does not).

#include <fmt/format.h>

#include <chrono>
#include <dynop/sdk/host.hpp>
#include <dynop/sdk/types.hpp>
#include <string_view>

namespace dynop::plugins::common {

// Long enough for the watch to deliver the newer version, short enough that
// nobody notices.
inline constexpr std::chrono::milliseconds kConflictRetryDelay{50};

// Logs at debug ("<what> of <ns>/<name> conflicted: <message>; retrying") and
// returns a delayed retry without an error (so the host does not warn either).
inline sdk::ReconcileResult retry_after_conflict(const sdk::Logger& logger, const sdk::Key& key,
                                                 std::string_view what, std::string_view message) {
  logger.debug(fmt::format("{} of {}/{} conflicted ({}); retrying with a fresh copy", what, key.ns,
                           key.name, message));
  return sdk::ReconcileResult::requeue_after(kConflictRetryDelay);
}

}  // namespace dynop::plugins::common
