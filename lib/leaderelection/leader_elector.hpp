#pragma once
// Leader election on a coordination.k8s.io/v1 Lease with client-go's
// semantics (k8s.io/client-go/tools/leaderelection): a candidate takes the
// lease when it is free or its holder has not renewed it for its
// leaseDurationSeconds as observed on the candidate's own clock; the leader
// renews every retry period and gives up leadership when it cannot renew for
// the renew deadline. On a clean stop the leader releases the lease
// (empty holderIdentity, leaseDurationSeconds 1) so another replica takes
// over within one retry period instead of a full lease duration.
// Writes use the lease's resourceVersion: two candidates never both win.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "lib/clock/clock.hpp"
#include "lib/kube/client/api_error.hpp"
#include "lib/kube/client/list_watch.hpp"

namespace dynop::leaderelection {

// Get/create/update of one Lease as JSON text: the kube client in production,
// a map in unit tests.
class LeaseClient {
 public:
  virtual ~LeaseClient() = default;
  virtual kube::Result<std::string> get(const std::string& ns, const std::string& name) = 0;
  virtual kube::Result<std::string> create(const std::string& ns,
                                           const std::string& lease_json) = 0;
  // Fails with a Conflict when the lease's resourceVersion is stale.
  virtual kube::Result<std::string> update(const std::string& ns, const std::string& name,
                                           const std::string& lease_json) = 0;
  // Watch events of this one Lease, starting with its current state (one
  // line per event; only their arrival matters). nullptr when the client
  // cannot watch (the default): candidates then only poll.
  virtual kube::Result<std::unique_ptr<kube::EventStream>> watch(const std::string& ns,
                                                                 const std::string& name) {
    (void)ns;
    (void)name;
    return std::unique_ptr<kube::EventStream>();
  }
};

struct LeaderElectionConfig {
  std::string lease_namespace = "default";
  std::string lease_name;
  std::string identity;  // unique per replica, e.g. "<hostname>_<random>"
  clock::Duration lease_duration = std::chrono::seconds(15);
  clock::Duration renew_deadline = std::chrono::seconds(10);
  clock::Duration retry_period = std::chrono::seconds(2);
  bool release_on_stop = true;
  // Called on the elector's thread; must return quickly (start work elsewhere).
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
  // The observed holder changed (also to ourselves); "" when released.
  std::function<void(const std::string& identity)> on_new_leader;
};

// The spec of a Lease as the elector sees it. Times are MicroTime strings
// ("2026-01-01T00:00:00.000000Z").
struct LeaderElectionRecord {
  std::string holder_identity;
  long long lease_duration_seconds = 0;
  std::string acquire_time;
  std::string renew_time;
  long long lease_transitions = 0;
  bool operator==(const LeaderElectionRecord&) const = default;
};

class LeaderElector {
 public:
  // Throws std::invalid_argument for an inconsistent config (startup error):
  // empty name or identity, lease_duration <= renew_deadline, or
  // renew_deadline <= retry_period * 1.2 (client-go's checks).
  LeaderElector(LeaderElectionConfig config, LeaseClient& client,
                clock::Clock& clock = clock::real_clock());
  ~LeaderElector();  // stop()
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Runs the candidate/leader loop on a thread of its own, and the Lease
  // watch on another.
  void start();
  // Stops the loop; if leading, releases the lease (when configured) and
  // calls on_stopped_leading before returning.
  void stop();

  bool is_leader() const;
  // The holder last observed, "" when unknown or released.
  std::string leader() const;

  // One attempt to take or renew the lease; true when we hold it afterwards.
  // The loop calls this; unit tests call it directly with a FakeClock.
  bool try_acquire_or_renew();
  // Gives the lease up if we hold it; true when released (or not held).
  bool release();

 private:
  void run();
  void watch_lease();
  bool wait_for(clock::Duration delay);  // false when stopping
  // As a candidate: until `delay` passes, the observed lease expires or the
  // Lease changes; false when stopping.
  bool wait_as_candidate(clock::Duration delay);
  clock::Duration jittered(clock::Duration base);
  void observe(const LeaderElectionRecord& record, clock::TimePoint now);

  LeaderElectionConfig config_;
  LeaseClient& client_;
  clock::Clock& clock_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool lease_changed_ = false;           // a watch event arrived since the last candidate wait
  kube::EventStream* stream_ = nullptr;  // the open watch, for stop() to cancel
  std::thread thread_;
  std::thread watch_thread_;

  // Guarded by mutex_.
  std::optional<LeaderElectionRecord> observed_;
  std::string observed_resource_version_;
  std::string observed_json_;
  clock::TimePoint observed_time_{};
  std::atomic<bool> leading_{false};
  unsigned jitter_state_;
};

}  // namespace dynop::leaderelection
