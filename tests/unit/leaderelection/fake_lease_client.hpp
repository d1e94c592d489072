#pragma once
// An in-memory Lease store with the API server's optimistic concurrency:
// updates carrying a stale resourceVersion fail with 409 Conflict. With
// `watchable`, watch() streams one line per create or update.

#include <boost/json.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/leaderelection/leader_elector.hpp"

namespace dynop::leaderelection::testing {

// Lines pushed by the fake store; next_line blocks until one arrives or the
// stream is cancelled.
class FakeEventStream : public kube::EventStream {
 public:
  bool next_line(std::string& line) override {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return cancelled_ || !lines_.empty(); });
    if (cancelled_) return false;
    line = std::move(lines_.front());
    lines_.pop_front();
    return true;
  }
  std::string error() const override { return {}; }
  void cancel() override {
    std::lock_guard guard(mutex_);
    cancelled_ = true;
    cv_.notify_all();
  }
  void push(std::string line) {
    std::lock_guard guard(mutex_);
    lines_.push_back(std::move(line));
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> lines_;
  bool cancelled_ = false;
};

class FakeLeaseClient : public LeaseClient {
 public:
  kube::Result<std::string> get(const std::string& ns, const std::string& name) override {
    std::lock_guard guard(mutex_);
    ++gets;
    if (fail_all) return kube::transport_error("connection refused");
    auto it = leases_.find(ns + "/" + name);
    if (it == leases_.end())
      return kube::error_from_response(
          404, R"({"kind":"Status","reason":"NotFound","message":"leases not found","code":404})");
    return it->second;
  }
  kube::Result<std::string> create(const std::string& ns, const std::string& lease_json) override {
    std::lock_guard guard(mutex_);
    if (fail_all) return kube::transport_error("connection refused");
    boost::json::object lease = boost::json::parse(lease_json).as_object();
    const std::string name(lease["metadata"].as_object()["name"].as_string());
    if (leases_.count(ns + "/" + name))
      return kube::error_from_response(409, R"({"kind":"Status","reason":"AlreadyExists"})");
    lease["metadata"].as_object()["resourceVersion"] = std::to_string(++version_);
    leases_[ns + "/" + name] = boost::json::serialize(lease);
    notify("ADDED", leases_[ns + "/" + name]);
    return leases_[ns + "/" + name];
  }
  kube::Result<std::string> update(const std::string& ns, const std::string& name,
                                   const std::string& lease_json) override {
    if (before_update) before_update();
    std::lock_guard guard(mutex_);
    ++updates;
    if (fail_all) return kube::transport_error("connection refused");
    auto it = leases_.find(ns + "/" + name);
    if (it == leases_.end()) return kube::error_from_response(404, "");
    boost::json::object lease = boost::json::parse(lease_json).as_object();
    boost::json::object stored = boost::json::parse(it->second).as_object();
    if (lease["metadata"].as_object()["resourceVersion"] !=
        stored["metadata"].as_object()["resourceVersion"])
      return kube::error_from_response(
          409, R"({"kind":"Status","reason":"Conflict","message":"the object has been modified"})");
    lease["metadata"].as_object()["resourceVersion"] = std::to_string(++version_);
    it->second = boost::json::serialize(lease);
    notify("MODIFIED", it->second);
    return it->second;
  }
  kube::Result<std::unique_ptr<kube::EventStream>> watch(const std::string&,
                                                         const std::string&) override {
    std::lock_guard guard(mutex_);
    if (!watchable) return std::unique_ptr<kube::EventStream>();
    auto stream = std::make_shared<FakeEventStream>();
    streams_.push_back(stream);
    ++watches;
    // The caller owns a handle that forwards to the shared stream, so the
    // store can keep pushing into it safely after the caller drops it.
    struct Handle : kube::EventStream {
      std::shared_ptr<FakeEventStream> stream;
      bool next_line(std::string& line) override { return stream->next_line(line); }
      std::string error() const override { return {}; }
      void cancel() override { stream->cancel(); }
    };
    auto handle = std::make_unique<Handle>();
    handle->stream = stream;
    return std::unique_ptr<kube::EventStream>(std::move(handle));
  }

  boost::json::object spec(const std::string& ns, const std::string& name) {
    std::lock_guard guard(mutex_);
    return boost::json::parse(leases_.at(ns + "/" + name)).as_object()["spec"].as_object();
  }

  std::function<void()> before_update;  // runs outside the lock
  bool fail_all = false;
  int watch_count() {
    std::lock_guard guard(mutex_);
    return watches;
  }

  bool watchable = false;  // set before the elector starts
  int gets = 0;
  int updates = 0;
  int watches = 0;

 private:
  void notify(const char* type, const std::string& object) {
    for (auto& stream : streams_)
      stream->push(std::string("{\"type\":\"") + type + "\",\"object\":" + object + "}");
  }
  std::vector<std::shared_ptr<FakeEventStream>> streams_;
  std::mutex mutex_;
  std::map<std::string, std::string> leases_;
  int version_ = 100;
};

}  // namespace dynop::leaderelection::testing
