#pragma once
// What an informer needs from the API server, for one resource: list pages
// and watch streams as raw JSON. The REST client implements it
// (Client::lister_watcher); unit tests script it.

#include <memory>
#include <optional>
#include <string>

#include "lib/kube/client/api_error.hpp"

namespace dynop::kube {

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;        // list: "" = most recent; watch: start after this
  std::string resource_version_match;  // "NotOlderThan", "Exact" or ""
  long long limit = 0;                 // page size; 0 = everything
  std::string continue_token;
  long long timeout_seconds = 0;  // watch: server ends the watch after this
  bool allow_watch_bookmarks = false;
};

// A watch response, one JSON event per line.
class EventStream {
 public:
  virtual ~EventStream() = default;
  // Blocks for the next line; false at the end (error() says why, "" when
  // the server closed the watch normally).
  virtual bool next_line(std::string& line) = 0;
  virtual std::string error() const = 0;
  // From any thread: ends a blocked next_line().
  virtual void cancel() = 0;
};

class ListerWatcher {
 public:
  virtual ~ListerWatcher() = default;
  // One page: the raw list body.
  virtual Result<std::string> list(const ListOptions& options) = 0;
  virtual Result<std::unique_ptr<EventStream>> watch(const ListOptions& options) = 0;
};

}  // namespace dynop::kube
