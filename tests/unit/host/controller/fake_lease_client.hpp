#pragma once
// An in-memory Lease store with the API server's optimistic concurrency:
// updates carrying a stale resourceVersion fail with 409 Conflict.

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "host/controller/leader_elector.hpp"

namespace dynop::host::controller::testing {

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
    return leases_[ns + "/" + name] = boost::json::serialize(lease);
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
    return it->second = boost::json::serialize(lease);
  }

  boost::json::object spec(const std::string& ns, const std::string& name) {
    std::lock_guard guard(mutex_);
    return boost::json::parse(leases_.at(ns + "/" + name)).as_object()["spec"].as_object();
  }

  std::function<void()> before_update;  // runs outside the lock
  bool fail_all = false;
  int gets = 0;
  int updates = 0;

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> leases_;
  int version_ = 100;
};

}  // namespace dynop::host::controller::testing
