#pragma once
// An in-memory API server behind the SDK's FakeHost, for the dgd/dgdsa
// reconciler tests: get/list (label selectors)/create/update/merge-patch/
// delete/update_status/events, resourceVersion conflicts, and injected
// failures. One per test; single-threaded.

#include <boost/json/object.hpp>
#include <dynop/sdk/host.hpp>
#include <dynop/sdk/testing/fake_host.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dynop::plugins::testing {

class FakeCluster {
 public:
  struct RecordedEvent {
    std::string kind;
    std::string name;
    std::string type;  // Normal | Warning
    std::string reason;
    std::string message;
  };

  FakeCluster();
  ~FakeCluster();
  FakeCluster(const FakeCluster&) = delete;
  FakeCluster& operator=(const FakeCluster&) = delete;

  sdk::Host& host() { return host_; }
  const sdk::Client& client() { return host_.client(); }
  const sdk::Logger& logger() { return host_.logger(); }
  // What the plugin logged through logger(), in order.
  const std::vector<sdk::testing::FakeHost::LogLine>& logs() const { return fake_.logs(); }
  // The log lines at `level` (DYNOP_LOG_WARN, ...).
  std::vector<std::string> logs_at(int32_t level) const;

  // Stores an object as the API server would (uid, resourceVersion, creationTimestamp).
  boost::json::object put(boost::json::object object);
  std::optional<boost::json::object> find(std::string_view kind, std::string_view ns,
                                          std::string_view name) const;
  std::vector<boost::json::object> all(std::string_view kind) const;
  void erase(std::string_view kind, std::string_view ns, std::string_view name);
  // What the garbage collector does: removes objects whose owners are all
  // gone, and drops the entries of gone owners from the others.
  void collect_garbage();

  // The next call of `operation` ("create", "patch", "update_status", ...)
  // fails with `code` and `message`.
  void fail_next(std::string operation, int32_t code, std::string message);

  const std::vector<RecordedEvent>& events() const { return events_; }
  int writes() const { return writes_; }

  // Used by the C callbacks.
  dynop_status dispatch_get(const dynop_object_ref* ref, dynop_str* out);
  dynop_status dispatch_list(const dynop_object_ref* ref, dynop_str selector, dynop_str* out);
  dynop_status dispatch_create(const dynop_object_ref* ref, dynop_str body, dynop_str* out);
  dynop_status dispatch_update(const dynop_object_ref* ref, dynop_str body, dynop_str* out,
                               bool status_only);
  dynop_status dispatch_patch(const dynop_object_ref* ref, int32_t type, dynop_str body,
                              dynop_str* out);
  dynop_status dispatch_delete(const dynop_object_ref* ref);
  dynop_status dispatch_event(const dynop_object_ref* ref, int32_t type, dynop_str reason,
                              dynop_str message);

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // kind, ns, name
  dynop_status injected(const char* operation);
  dynop_status fail(int32_t code, std::string message);
  dynop_status ok_with(const boost::json::object& object, dynop_str* out);
  std::string next_rv() { return std::to_string(++rv_); }

  sdk::testing::FakeHost fake_;
  sdk::Host host_;
  std::map<Key, boost::json::object> objects_;
  std::map<std::string, std::pair<int32_t, std::string>> failures_;
  std::vector<RecordedEvent> events_;
  std::string out_;
  std::string message_;
  long rv_ = 100;
  int created_ = 0;
  int uid_ = 0;
  int writes_ = 0;
};

}  // namespace dynop::plugins::testing
