#include "lib/leaderelection/leader_elector.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "lib/apimachinery/json_decode.hpp"
#include "lib/apimachinery/time.hpp"

namespace dynop::leaderelection {
namespace json = boost::json;

namespace {

long long seconds_of(clock::Duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

std::string string_field(const json::object& object, const char* key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

long long int_field(const json::object& object, const char* key) {
  const json::value* value = object.if_contains(key);
  if (!value) return 0;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64()) return static_cast<long long>(value->get_uint64());
  return 0;
}

struct ParsedLease {
  json::object object;
  LeaderElectionRecord record;
  std::string resource_version;
};

std::optional<ParsedLease> parse_lease(const std::string& text) {
  auto value = apimachinery::decode_json(text);
  if (!value || !value->is_object()) return std::nullopt;
  ParsedLease lease;
  lease.object = std::move(value->as_object());
  if (const json::value* metadata = lease.object.if_contains("metadata");
      metadata && metadata->is_object())
    lease.resource_version = string_field(metadata->get_object(), "resourceVersion");
  if (const json::value* spec = lease.object.if_contains("spec"); spec && spec->is_object()) {
    const json::object& s = spec->get_object();
    lease.record.holder_identity = string_field(s, "holderIdentity");
    lease.record.lease_duration_seconds = int_field(s, "leaseDurationSeconds");
    lease.record.acquire_time = string_field(s, "acquireTime");
    lease.record.renew_time = string_field(s, "renewTime");
    lease.record.lease_transitions = int_field(s, "leaseTransitions");
  }
  return lease;
}

json::object spec_of(const LeaderElectionRecord& record) {
  json::object spec;
  spec["holderIdentity"] = record.holder_identity;
  spec["leaseDurationSeconds"] = record.lease_duration_seconds;
  spec["acquireTime"] = record.acquire_time;
  spec["renewTime"] = record.renew_time;
  spec["leaseTransitions"] = record.lease_transitions;
  return spec;
}

}  // namespace

LeaderElector::LeaderElector(LeaderElectionConfig config, LeaseClient& client, clock::Clock& clock)
    : config_(std::move(config)),
      client_(client),
      clock_(clock),
      jitter_state_(static_cast<unsigned>(std::hash<std::string>{}(config_.identity))) {
  if (config_.lease_name.empty())
    throw std::invalid_argument("leader election: lease name is empty");
  if (config_.identity.empty()) throw std::invalid_argument("leader election: identity is empty");
  if (config_.lease_duration <= config_.renew_deadline)
    throw std::invalid_argument("leader election: lease duration must exceed the renew deadline");
  if (config_.renew_deadline <= config_.retry_period * 6 / 5)
    throw std::invalid_argument(
        "leader election: renew deadline must exceed 1.2 times the retry period");
  if (seconds_of(config_.lease_duration) < 1)
    throw std::invalid_argument("leader election: lease duration must be at least 1 s");
}

LeaderElector::~LeaderElector() { stop(); }

void LeaderElector::start() {
  std::lock_guard guard(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
  watch_thread_ = std::thread([this] { watch_lease(); });
}

void LeaderElector::stop() {
  {
    std::lock_guard guard(mutex_);
    stopping_ = true;
    if (stream_) stream_->cancel();
    cv_.notify_all();
  }
  for (std::thread* thread : {&thread_, &watch_thread_})
    if (thread->joinable() && thread->get_id() != std::this_thread::get_id()) thread->join();
}

bool LeaderElector::is_leader() const {
  std::lock_guard guard(mutex_);
  return observed_ && observed_->holder_identity == config_.identity;
}

std::string LeaderElector::leader() const {
  std::lock_guard guard(mutex_);
  return observed_ ? observed_->holder_identity : std::string();
}

void LeaderElector::observe(const LeaderElectionRecord& record, clock::TimePoint now) {
  std::string new_leader;
  bool changed = false;
  {
    std::lock_guard guard(mutex_);
    if (observed_ && *observed_ == record) return;
    changed = !observed_ || observed_->holder_identity != record.holder_identity;
    observed_ = record;
    observed_time_ = now;
    new_leader = record.holder_identity;
  }
  if (changed && config_.on_new_leader) config_.on_new_leader(new_leader);
}

bool LeaderElector::try_acquire_or_renew() {
  const clock::TimePoint now = clock_.now();
  const std::string now_text = apimachinery::format_micro_time(clock_.wall_now());
  LeaderElectionRecord desired;
  desired.holder_identity = config_.identity;
  desired.lease_duration_seconds = seconds_of(config_.lease_duration);
  desired.acquire_time = now_text;
  desired.renew_time = now_text;

  auto current = client_.get(config_.lease_namespace, config_.lease_name);
  if (!current) {
    if (!current.error().not_found()) return false;
    json::object lease;
    lease["apiVersion"] = "coordination.k8s.io/v1";
    lease["kind"] = "Lease";
    lease["metadata"] =
        json::object{{"name", config_.lease_name}, {"namespace", config_.lease_namespace}};
    lease["spec"] = spec_of(desired);
    auto created = client_.create(config_.lease_namespace, json::serialize(lease));
    if (!created) return false;
    auto parsed = parse_lease(*created);
    observe(parsed ? parsed->record : desired, now);
    std::lock_guard guard(mutex_);
    if (parsed) {
      observed_resource_version_ = parsed->resource_version;
      observed_json_ = *created;
    }
    return true;
  }

  auto parsed = parse_lease(*current);
  if (!parsed) return false;
  observe(parsed->record, now);
  const LeaderElectionRecord& old = parsed->record;
  const bool held_by_us = old.holder_identity == config_.identity;
  {
    std::lock_guard guard(mutex_);
    // Validity is judged by when *we* saw the record change, not by its
    // renewTime, so clock skew between replicas does not matter.
    const bool valid = observed_time_ + std::chrono::seconds(old.lease_duration_seconds) > now;
    if (!old.holder_identity.empty() && !held_by_us && valid) return false;
  }
  if (held_by_us) {
    desired.acquire_time = old.acquire_time;
    desired.lease_transitions = old.lease_transitions;
  } else {
    desired.lease_transitions = old.lease_transitions + 1;
  }
  parsed->object["spec"] = spec_of(desired);
  auto updated =
      client_.update(config_.lease_namespace, config_.lease_name, json::serialize(parsed->object));
  if (!updated) return false;
  auto after = parse_lease(*updated);
  observe(after ? after->record : desired, now);
  std::lock_guard guard(mutex_);
  if (after) {
    observed_resource_version_ = after->resource_version;
    observed_json_ = *updated;
  }
  return true;
}

bool LeaderElector::release() {
  std::string lease_text;
  LeaderElectionRecord record;
  {
    std::lock_guard guard(mutex_);
    if (!observed_ || observed_->holder_identity != config_.identity) return true;
    lease_text = observed_json_;
    record = *observed_;
  }
  // Two tries: our copy can be one renewal behind when the stop races a renew,
  // and a stale resourceVersion gets 409; then re-read and release if still ours.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (attempt > 0) {
      auto current = client_.get(config_.lease_namespace, config_.lease_name);
      if (!current) break;
      auto fresh = parse_lease(*current);
      if (!fresh || fresh->record.holder_identity != config_.identity) return true;
      lease_text = *current;
      record = fresh->record;
    }
    auto parsed = parse_lease(lease_text);
    if (!parsed) break;
    const std::string now_text = apimachinery::format_micro_time(clock_.wall_now());
    record.holder_identity.clear();
    record.lease_duration_seconds = 1;
    record.acquire_time = now_text;
    record.renew_time = now_text;
    parsed->object["spec"] = spec_of(record);
    auto updated = client_.update(config_.lease_namespace, config_.lease_name,
                                  json::serialize(parsed->object));
    if (!updated) continue;
    auto after = parse_lease(*updated);
    observe(after ? after->record : record, clock_.now());
    return true;
  }
  spdlog::warn("could not release Lease {}/{}; another replica takes over when it expires",
               config_.lease_namespace, config_.lease_name);
  return false;
}

clock::Duration LeaderElector::jittered(clock::Duration base) {
  // wait.JitterUntil with factor 1.2: base plus up to 120% of base.
  jitter_state_ = jitter_state_ * 1103515245u + 12345u;
  const double fraction = static_cast<double>((jitter_state_ >> 8) % 10000) / 10000.0;
  return base + std::chrono::duration_cast<clock::Duration>(base * (1.2 * fraction));
}

bool LeaderElector::wait_for(clock::Duration delay) {
  std::unique_lock lock(mutex_);
  const clock::TimePoint deadline = clock_.now() + delay;
  while (!stopping_ && clock_.now() < deadline) clock_.wait_until(lock, cv_, deadline);
  return !stopping_;
}

bool LeaderElector::wait_as_candidate(clock::Duration delay) {
  std::unique_lock lock(mutex_);
  const clock::TimePoint now = clock_.now();
  clock::TimePoint deadline = now + delay;
  if (observed_ && !observed_->holder_identity.empty()) {
    const clock::TimePoint expiry =
        observed_time_ + std::chrono::seconds(observed_->lease_duration_seconds);
    if (expiry > now && expiry < deadline) deadline = expiry;
  }
  while (!stopping_ && !lease_changed_ && clock_.now() < deadline)
    clock_.wait_until(lock, cv_, deadline);
  lease_changed_ = false;
  return !stopping_;
}

void LeaderElector::watch_lease() {
  for (;;) {
    {
      std::lock_guard guard(mutex_);
      if (stopping_) return;
    }
    auto stream = client_.watch(config_.lease_namespace, config_.lease_name);
    if (stream && !*stream) return;  // the client cannot watch: polling only
    if (!stream) {
      spdlog::debug("watch of Lease {}/{}: {}", config_.lease_namespace, config_.lease_name,
                    stream.error().describe());
      if (!wait_for(config_.retry_period)) return;
      continue;
    }
    {
      std::lock_guard guard(mutex_);
      if (stopping_) return;
      stream_ = stream->get();
    }
    bool any = false;
    std::string line;
    while ((*stream)->next_line(line)) {
      any = true;
      std::lock_guard guard(mutex_);
      lease_changed_ = true;
      cv_.notify_all();
    }
    {
      std::lock_guard guard(mutex_);
      stream_ = nullptr;
    }
    // A watch that ends without a single event is failing: do not spin.
    if (!any && !wait_for(config_.retry_period)) return;
  }
}

void LeaderElector::run() {
  for (;;) {
    bool acquired = false;
    for (;;) {
      {
        std::lock_guard guard(mutex_);
        if (stopping_) return;
      }
      if (try_acquire_or_renew()) {
        acquired = true;
        break;
      }
      if (!wait_as_candidate(jittered(config_.retry_period))) return;
    }
    if (!acquired) return;
    {
      // Acquired while stop() was waiting for us: give it straight back
      // rather than start controllers that are being stopped.
      std::unique_lock lock(mutex_);
      if (stopping_) {
        lock.unlock();
        if (config_.release_on_stop) release();
        return;
      }
    }
    leading_ = true;
    if (config_.on_started_leading) config_.on_started_leading();
    clock::TimePoint last_renew = clock_.now();
    bool stopping = false;
    for (;;) {
      if (!wait_for(config_.retry_period)) {
        stopping = true;
        break;
      }
      if (try_acquire_or_renew()) {
        last_renew = clock_.now();
      } else if (clock_.now() - last_renew >= config_.renew_deadline) {
        break;  // could not renew in time: someone else may take over now
      }
    }
    leading_ = false;
    if (stopping && config_.release_on_stop) release();
    if (config_.on_stopped_leading) config_.on_stopped_leading();
    if (stopping) return;
  }
}

}  // namespace dynop::leaderelection
