#include "lib/record/event_recorder.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/time.hpp"

namespace dynop::record {
namespace json = boost::json;

EventRecorder::EventRecorder(EventRecorderOptions options, EventSink& sink)
    : options_(std::move(options)),
      sink_(sink),
      clock_(options_.clock ? *options_.clock : clock::real_clock()),
      thread_([this] { run(); }) {}

EventRecorder::~EventRecorder() {
  flush();
  {
    std::lock_guard guard(mutex_);
    stopping_ = true;
    cv_.notify_all();
  }
  thread_.join();
}

void EventRecorder::record(const InvolvedObject& object, const std::string& type,
                           const std::string& reason, const std::string& message) {
  std::lock_guard guard(mutex_);
  if (pending_.size() >= options_.max_pending) {
    ++dropped_;
    return;
  }
  pending_.push_back(Pending{object, type, reason, message, clock_.wall_now()});
  cv_.notify_all();
}

void EventRecorder::flush() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return (pending_.empty() && !busy_) || stopping_; });
}

std::size_t EventRecorder::dropped() const {
  std::lock_guard guard(mutex_);
  return dropped_;
}

void EventRecorder::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return !pending_.empty() || stopping_; });
    if (pending_.empty() && stopping_) return;
    Pending next = std::move(pending_.front());
    pending_.pop_front();
    busy_ = true;
    lock.unlock();
    write(next);
    lock.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

void EventRecorder::write(const Pending& pending) {
  const InvolvedObject& object = pending.object;
  const std::string ns = object.ns.empty() ? "default" : object.ns;
  const std::string key = object.api_version + "/" + object.kind + "/" + ns + "/" + object.name +
                          "/" + object.uid + "/" + pending.type + "/" + pending.reason + "/" +
                          pending.message;
  const std::string now = apimachinery::format_time(pending.at);
  const clock::TimePoint now_mono = clock_.now();

  auto seen = seen_.find(key);
  if (seen != seen_.end() && now_mono - seen->second.last < options_.aggregation_window) {
    Seen& entry = seen->second;
    json::object patch{{"count", entry.count + 1}, {"lastTimestamp", now}};
    auto patched = sink_.patch(entry.ns, entry.event_name, json::serialize(patch));
    if (patched) {
      ++entry.count;
      entry.last = now_mono;
      return;
    }
    seen_.erase(seen);  // e.g. the Event expired on the server: create a new one
  }

  // "<object>.<unique suffix>", as client-go names events.
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(pending.at.time_since_epoch()).count();
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "%llx",
                static_cast<unsigned long long>(nanos) + sequence_++);
  const std::string name = object.name + "." + suffix;
  json::object involved{
      {"kind", object.kind}, {"name", object.name}, {"apiVersion", object.api_version}};
  if (!object.ns.empty()) involved["namespace"] = object.ns;
  if (!object.uid.empty()) involved["uid"] = object.uid;
  if (!object.resource_version.empty()) involved["resourceVersion"] = object.resource_version;
  json::object event{{"apiVersion", "v1"}, {"kind", "Event"}};
  event["metadata"] = json::object{{"name", name}, {"namespace", ns}};
  event["involvedObject"] = std::move(involved);
  event["reason"] = pending.reason;
  event["message"] = pending.message;
  event["type"] = pending.type;
  event["source"] = json::object{{"component", options_.component}};
  event["firstTimestamp"] = now;
  event["lastTimestamp"] = now;
  event["count"] = 1;
  event["reportingComponent"] = options_.component;
  event["reportingInstance"] = options_.instance;
  if (sink_.create(ns, json::serialize(event))) {
    Seen& entry = seen_[key];
    entry.event_name = name;
    entry.ns = ns;
    entry.count = 1;
    entry.first_timestamp = now;
    entry.last = now_mono;
  }
  // Old keys go once the map grows: aggregation is an optimisation only.
  if (seen_.size() > 4096) {
    for (auto it = seen_.begin(); it != seen_.end();)
      it = now_mono - it->second.last >= options_.aggregation_window ? seen_.erase(it)
                                                                     : std::next(it);
  }
}

}  // namespace dynop::record
