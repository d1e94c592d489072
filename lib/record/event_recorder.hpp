#pragma once
// Records core/v1 Events about objects, like client-go's event recorder:
// best effort and asynchronous (a reconciler never waits for an Event), with
// repeats of the same event (same object, type, reason and message) within
// ten minutes aggregated into one Event whose count and lastTimestamp go up,
// so a failing reconcile loop does not flood the API server.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "lib/clock/clock.hpp"
#include "lib/kube/client/api_error.hpp"

namespace dynop::record {

// Where Events go: the kube client in production, a fake in tests.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual kube::Result<std::string> create(const std::string& ns,
                                           const std::string& event_json) = 0;
  virtual kube::Result<std::string> patch(const std::string& ns, const std::string& name,
                                          const std::string& merge_patch) = 0;
};

struct InvolvedObject {
  std::string api_version;
  std::string kind;
  std::string ns;
  std::string name;
  std::string uid;
  std::string resource_version;
};

struct EventRecorderOptions {
  std::string component = "dynop";  // source.component / reportingComponent
  std::string instance;             // reportingInstance (host name)
  std::size_t max_pending = 1000;   // queued beyond this are dropped
  clock::Duration aggregation_window = std::chrono::minutes(10);
  clock::Clock* clock = nullptr;
};

class EventRecorder {
 public:
  EventRecorder(EventRecorderOptions options, EventSink& sink);
  ~EventRecorder();  // flush() then stop
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // type: "Normal" or "Warning"; reason: UpperCamelCase. Never blocks on I/O.
  void record(const InvolvedObject& object, const std::string& type, const std::string& reason,
              const std::string& message);
  // Waits until every queued event was written (or failed).
  void flush();

  std::size_t dropped() const;

 private:
  struct Pending {
    InvolvedObject object;
    std::string type;
    std::string reason;
    std::string message;
    clock::WallTime at;
  };
  struct Seen {
    std::string event_name;
    std::string ns;
    long long count = 0;
    std::string first_timestamp;
    clock::TimePoint last{};
  };
  void run();
  void write(const Pending& pending);

  EventRecorderOptions options_;
  EventSink& sink_;
  clock::Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Pending> pending_;
  bool busy_ = false;
  bool stopping_ = false;
  std::size_t dropped_ = 0;
  std::map<std::string, Seen> seen_;  // by aggregation key; touched by the writer thread only
  unsigned long long sequence_ = 0;
  std::thread thread_;
};

}  // namespace dynop::record
