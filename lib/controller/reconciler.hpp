#pragma once
// What a controller calls (controller-runtime's reconcile.Reconciler) and
// what it answers. Reconcilers are level-based: they get a key, read the
// current state from the cache and make the world match; they never see
// the event that caused the call.

#include <chrono>
#include <string>

#include "lib/clock/clock.hpp"
#include "lib/controller/request.hpp"

namespace dynop::controller {

struct ReconcileResult {
  enum class Outcome {
    kDone,           // forget the key (its backoff starts over)
    kRequeueAfter,   // run again after `requeue_after`
    kError,          // retry with per-key exponential backoff
    kTerminalError,  // log `message`; no retry until the key is added again
    kConflict,       // a write lost an optimistic-concurrency race: retried with
                     // backoff like kError, but expected, so logged quietly
  };
  Outcome outcome = Outcome::kDone;
  clock::Duration requeue_after{0};
  std::string message;

  static ReconcileResult done() { return {}; }
  static ReconcileResult requeue(clock::Duration after) {
    return {Outcome::kRequeueAfter, after, {}};
  }
  static ReconcileResult error(std::string message) {
    return {Outcome::kError, clock::Duration{0}, std::move(message)};
  }
  static ReconcileResult terminal(std::string message) {
    return {Outcome::kTerminalError, clock::Duration{0}, std::move(message)};
  }
  static ReconcileResult conflict(std::string message) {
    return {Outcome::kConflict, clock::Duration{0}, std::move(message)};
  }
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  // Called from worker threads, never twice at once for one request. An
  // exception counts as kError (with its what() as the message).
  virtual ReconcileResult reconcile(const Request& request) = 0;
};

}  // namespace dynop::controller
