#pragma once
// A shared informer for one kind (client-go's SharedIndexInformer): lists,
// then watches from the list's resourceVersion with bookmarks, keeping an
// Indexer of compact objects current and telling handlers about changes.
// - A watch that ends is resumed from the last resourceVersion seen; a 410
//   Gone (expired resourceVersion) triggers a relist, whose differences are
//   delivered as add/update/delete so nothing is missed.
// - Failures back off exponentially with jitter (client-go's reflector:
//   800 ms doubling to 30 s), reset after a healthy watch.
// - Handlers run on the informer's thread, one event at a time, in order;
//   they must be quick (enqueue a key). A handler added late first receives
//   every cached object as an add.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lib/kube/cache/indexer.hpp"
#include "lib/kube/cache/informer_metrics.hpp"
#include "lib/kube/cache/object_decoder.hpp"
#include "lib/kube/cache/projection.hpp"
#include "lib/kube/client/list_watch.hpp"

namespace dynop::kube {

struct EventHandler {
  std::function<void(const ObjectPtr& object)> on_add;
  std::function<void(const ObjectPtr& old, const ObjectPtr& now)> on_update;
  // `object` is the last state the cache had.
  std::function<void(const ObjectPtr& object)> on_delete;
};

struct InformerOptions {
  std::string api_version;  // "v1", "nvidia.com/v1alpha1"
  std::string kind;         // "Pod"
  std::string label_selector;
  std::string field_selector;
  std::shared_ptr<const Projection> projection;  // null: whole objects (minus managedFields)
  std::map<std::string, IndexFunc> indexers = default_indexers();
  long long page_size = 500;
  std::chrono::milliseconds initial_backoff{800};
  std::chrono::milliseconds max_backoff{30000};
  // Watches are ended by the server after a random time in [min, 2*min), as
  // client-go does, so connections get rebalanced.
  std::chrono::seconds min_watch_timeout{300};
  // Where the informer's metrics go (informer_metrics.hpp), labelled
  // resource=`resource` ("pods"; the kind when empty). Null: a registry of
  // the informer's own, so the event path never checks.
  metrics::Registry* metrics = nullptr;
  std::string resource;
};

struct InformerStats {
  std::uint64_t lists = 0;
  std::uint64_t relists_after_gone = 0;
  std::uint64_t watches = 0;
  std::uint64_t events = 0;
  std::uint64_t decode_errors = 0;
  std::string last_error;
};

class Informer {
 public:
  Informer(InformerOptions options, std::unique_ptr<ListerWatcher> lister_watcher);
  ~Informer();  // stop()
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Returns an id for remove_handler().
  int add_handler(EventHandler handler);
  void remove_handler(int id);

  void start();  // runs on its own thread; idempotent
  void stop();   // cancels the watch and joins
  bool has_synced() const { return synced_.load(); }
  // Waits until the first list is in the cache; false on timeout or stop.
  bool wait_for_sync(std::chrono::milliseconds timeout);

  const Indexer& cache() const { return store_; }
  Indexer& cache() { return store_; }
  const InformerOptions& options() const { return options_; }
  // The resourceVersion the informer would resume from.
  std::string last_resource_version() const;
  InformerStats stats() const;

 private:
  enum class WatchEnd { kStopped, kRelist, kRetry, kResume };
  void run();
  bool list_all(InformerMetrics::ListReason reason);  // false when stopping
  WatchEnd watch_once();
  bool sleep_backoff();
  void dispatch(const ObjectPtr& old, const ObjectPtr& now);
  void set_error(std::string message);

  InformerOptions options_;
  std::unique_ptr<ListerWatcher> lister_watcher_;
  ObjectDecoder decoder_;
  Indexer store_;
  std::unique_ptr<metrics::Registry> own_registry_;  // when options_.metrics is null
  InformerMetrics metrics_;

  mutable std::mutex mutex_;  // handlers_, stream_, stopping_, resource_version_, stats_
  std::condition_variable cv_;
  bool stopping_ = false;
  EventStream* stream_ = nullptr;
  std::string resource_version_;
  InformerStats stats_;
  std::chrono::milliseconds backoff_{0};
  unsigned jitter_ = 0x9e3779b9u;

  // Serialises handler registration with dispatch so no event is missed.
  std::mutex dispatch_mutex_;
  std::vector<std::pair<int, std::shared_ptr<EventHandler>>> handlers_;
  int next_handler_id_ = 1;

  std::atomic<bool> synced_{false};
  std::thread thread_;
};

}  // namespace dynop::kube
