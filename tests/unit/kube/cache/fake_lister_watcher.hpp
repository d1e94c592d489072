#pragma once
// A scripted API server for one resource: objects with a global
// resourceVersion, an event history that can be compacted (watches from
// before it get 410 Gone), watches that can be dropped, and lists that can
// be made to fail. Shared by the informer tests.

#include <boost/json.hpp>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/kube/client/list_watch.hpp"

namespace dynop::kube::testing {

class FakeServer {
 public:
  // `object` needs metadata.name (and namespace for namespaced kinds).
  void apply(boost::json::object object) {
    std::lock_guard guard(mutex_);
    auto& meta = object["metadata"].as_object();
    const std::string key = key_of(meta);
    meta["resourceVersion"] = std::to_string(++rv_);
    if (!meta.contains("uid")) meta["uid"] = "uid-" + key;
    const bool exists = objects_.count(key) > 0;
    objects_[key] = object;
    history_.push_back({++seq_, rv_, exists ? "MODIFIED" : "ADDED", object});
    cv_.notify_all();
  }
  void remove(const std::string& key) {
    std::lock_guard guard(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return;
    boost::json::object object = it->second;
    objects_.erase(it);
    object["metadata"].as_object()["resourceVersion"] = std::to_string(++rv_);
    history_.push_back({++seq_, rv_, "DELETED", object});
    cv_.notify_all();
  }
  // Forget history: watches from an older resourceVersion get 410 Gone.
  void compact() {
    std::lock_guard guard(mutex_);
    history_.clear();
    compacted_ = rv_;
  }
  // In one step, so no watcher can catch up in between: moves the
  // resourceVersion on, forgets history and drops every open watch. Every
  // resume then gets 410 Gone.
  void expire_watches() {
    std::lock_guard guard(mutex_);
    compacted_ = ++rv_;
    history_.clear();
    ++drop_generation_;
    cv_.notify_all();
  }
  // Ends every open watch with a transport error.
  void drop_watches() {
    std::lock_guard guard(mutex_);
    ++drop_generation_;
    cv_.notify_all();
  }
  // Ends every open watch normally, as a server does when a watch's
  // timeoutSeconds is up.
  void close_watches() {
    std::lock_guard guard(mutex_);
    ++close_generation_;
    cv_.notify_all();
  }
  void bookmark() {
    std::lock_guard guard(mutex_);
    history_.push_back({++seq_, rv_, "BOOKMARK", boost::json::object{}});
    cv_.notify_all();
  }
  void fail_next_lists(int n) {
    std::lock_guard guard(mutex_);
    failing_lists_ = n;
  }
  int lists() {
    std::lock_guard guard(mutex_);
    return lists_;
  }
  int watches() {
    std::lock_guard guard(mutex_);
    return watches_;
  }

  Result<std::string> list(const ListOptions& options) {
    std::lock_guard guard(mutex_);
    ++lists_;
    if (failing_lists_ > 0) {
      --failing_lists_;
      return error_from_response(
          500, R"({"kind":"Status","reason":"InternalError","message":"etcd unavailable"})");
    }
    boost::json::array items;
    auto it = options.continue_token.empty() ? objects_.begin()
                                             : objects_.upper_bound(options.continue_token);
    std::string next;
    for (; it != objects_.end(); ++it) {
      if (options.limit > 0 && static_cast<long long>(items.size()) == options.limit) {
        next = std::prev(it)->first;
        break;
      }
      boost::json::object item = it->second;
      item.erase("kind");
      item.erase("apiVersion");
      items.push_back(item);
    }
    boost::json::object list{{"kind", "ConfigMapList"}, {"apiVersion", "v1"}};
    list["metadata"] = boost::json::object{{"resourceVersion", std::to_string(rv_)}};
    if (!next.empty()) list["metadata"].as_object()["continue"] = next;
    list["items"] = items;
    return boost::json::serialize(list);
  }

  Result<std::unique_ptr<EventStream>> watch(const ListOptions& options) {
    std::lock_guard guard(mutex_);
    ++watches_;
    last_watch_options = options;
    const long long from =
        std::stoll(options.resource_version.empty() ? "0" : options.resource_version);
    if (from < compacted_)
      return error_from_response(
          410,
          R"({"kind":"Status","reason":"Expired","message":"too old resource version","code":410})");
    return std::unique_ptr<EventStream>(
        std::make_unique<Stream>(*this, from, drop_generation_, close_generation_));
  }

  ListOptions last_watch_options;

 private:
  struct Event {
    long long seq;
    long long rv;
    std::string type;
    boost::json::object object;
  };

  class Stream : public EventStream {
   public:
    Stream(FakeServer& server, long long from, int generation, int close_generation)
        : server_(server),
          from_(from),
          generation_(generation),
          close_generation_(close_generation) {}
    bool next_line(std::string& line) override {
      std::unique_lock lock(server_.mutex_);
      for (;;) {
        if (cancelled_) {
          error_ = "cancelled";
          return false;
        }
        if (server_.drop_generation_ != generation_) {
          error_ = "connection reset by peer";
          return false;
        }
        if (server_.close_generation_ != close_generation_) return false;
        for (const Event& event : server_.history_) {
          if (event.seq <= seq_) continue;
          const bool bookmark = event.type == "BOOKMARK";
          if (!(event.rv > from_ || (bookmark && event.rv >= from_))) continue;
          seq_ = event.seq;
          from_ = event.rv;
          if (bookmark) {
            boost::json::object object{{"kind", "ConfigMap"}, {"apiVersion", "v1"}};
            object["metadata"] = boost::json::object{{"resourceVersion", std::to_string(event.rv)}};
            line = boost::json::serialize(
                boost::json::object{{"type", "BOOKMARK"}, {"object", object}});
          } else {
            line = boost::json::serialize(
                boost::json::object{{"type", event.type}, {"object", event.object}});
          }
          return true;
        }
        server_.cv_.wait(lock);
      }
    }
    std::string error() const override { return error_; }
    void cancel() override {
      std::lock_guard guard(server_.mutex_);
      cancelled_ = true;
      server_.cv_.notify_all();
    }

   private:
    FakeServer& server_;
    long long from_;
    int generation_;
    int close_generation_;
    bool cancelled_ = false;
    long long seq_ = -1;
    std::string error_;
  };

  static std::string key_of(const boost::json::object& meta) {
    std::string key;
    if (auto* ns = meta.if_contains("namespace")) key = std::string(ns->as_string()) + "/";
    return key + std::string(meta.at("name").as_string());
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, boost::json::object> objects_;
  std::deque<Event> history_;
  long long rv_ = 100;
  long long seq_ = 0;
  long long compacted_ = 0;
  int drop_generation_ = 0;
  int close_generation_ = 0;
  int failing_lists_ = 0;
  int lists_ = 0;
  int watches_ = 0;
};

// The ListerWatcher an Informer owns, forwarding to a FakeServer the test owns.
class FakeListerWatcher : public ListerWatcher {
 public:
  explicit FakeListerWatcher(FakeServer& server) : server_(server) {}
  Result<std::string> list(const ListOptions& options) override { return server_.list(options); }
  Result<std::unique_ptr<EventStream>> watch(const ListOptions& options) override {
    return server_.watch(options);
  }

 private:
  FakeServer& server_;
};

}  // namespace dynop::kube::testing
