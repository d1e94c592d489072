#include "lib/kube/cache/informer.hpp"

#include <algorithm>

#include "lib/metrics/registry.hpp"

namespace dynop::kube {
namespace {

using ListReason = InformerMetrics::ListReason;
using WatchEndReason = InformerMetrics::WatchEndReason;

metrics::Registry& registry_for(const InformerOptions& options,
                                std::unique_ptr<metrics::Registry>& own) {
  if (options.metrics) return *options.metrics;
  own = std::make_unique<metrics::Registry>();
  return *own;
}

}  // namespace

Informer::Informer(InformerOptions options, std::unique_ptr<ListerWatcher> lister_watcher)
    : options_(std::move(options)),
      lister_watcher_(std::move(lister_watcher)),
      decoder_(options_.projection, options_.api_version, options_.kind),
      store_(options_.indexers),
      metrics_(registry_for(options_, own_registry_),
               options_.resource.empty() ? options_.kind : options_.resource),
      jitter_(static_cast<unsigned>(std::hash<std::string>{}(options_.kind)) | 1u) {}

Informer::~Informer() { stop(); }

int Informer::add_handler(EventHandler handler) {
  std::lock_guard dispatch_guard(dispatch_mutex_);
  auto shared = std::make_shared<EventHandler>(std::move(handler));
  const int id = next_handler_id_++;
  handlers_.emplace_back(id, shared);
  if (shared->on_add)
    for (const ObjectPtr& object : store_.list()) shared->on_add(object);
  return id;
}

void Informer::remove_handler(int id) {
  std::lock_guard dispatch_guard(dispatch_mutex_);
  std::erase_if(handlers_, [id](const auto& entry) { return entry.first == id; });
}

void Informer::start() {
  std::lock_guard guard(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Informer::stop() {
  {
    std::lock_guard guard(mutex_);
    stopping_ = true;
    if (stream_) stream_->cancel();
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

bool Informer::wait_for_sync(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [&] { return synced_.load() || stopping_; });
  return synced_.load();
}

std::string Informer::last_resource_version() const {
  std::lock_guard guard(mutex_);
  return resource_version_;
}

InformerStats Informer::stats() const {
  std::lock_guard guard(mutex_);
  return stats_;
}

void Informer::set_error(std::string message) {
  std::lock_guard guard(mutex_);
  stats_.last_error = std::move(message);
}

void Informer::dispatch(const ObjectPtr& old, const ObjectPtr& now) {
  // Called with dispatch_mutex_ held.
  for (const auto& [id, handler] : handlers_) {
    try {
      if (!old) {
        if (handler->on_add) handler->on_add(now);
      } else if (!now) {
        if (handler->on_delete) handler->on_delete(old);
      } else if (handler->on_update) {
        handler->on_update(old, now);
      }
    } catch (const std::exception& e) {
      set_error(std::string("event handler threw: ") + e.what());
    }
  }
}

bool Informer::sleep_backoff() {
  std::unique_lock lock(mutex_);
  backoff_ = backoff_.count() == 0 ? options_.initial_backoff
                                   : std::min(backoff_ * 2, options_.max_backoff);
  jitter_ = jitter_ * 1103515245u + 12345u;
  const double fraction = static_cast<double>((jitter_ >> 8) % 1000) / 1000.0;
  const auto wait =
      std::chrono::duration_cast<std::chrono::milliseconds>(backoff_ + backoff_ * (0.5 * fraction));
  cv_.wait_for(lock, wait, [&] { return stopping_; });
  return !stopping_;
}

bool Informer::list_all(ListReason reason) {
  for (;;) {
    {
      std::lock_guard guard(mutex_);
      if (stopping_) return false;
    }
    metrics_.on_list_started(reason);
    std::vector<ObjectPtr> objects;
    ListOptions list_options;
    list_options.label_selector = options_.label_selector;
    list_options.field_selector = options_.field_selector;
    list_options.limit = options_.page_size;
    std::string resource_version;
    bool failed = false;
    for (;;) {
      auto body = lister_watcher_->list(list_options);
      if (!body) {
        if (body.error().gone() && !list_options.continue_token.empty()) {
          // The continue token expired mid-list: start over.
          metrics_.on_list_done(false);
          metrics_.on_list_started(ListReason::kGone);
          objects.clear();
          list_options.continue_token.clear();
          continue;
        }
        set_error("list " + options_.kind + ": " + body.error().describe());
        failed = true;
        break;
      }
      auto page = decoder_.decode_list(
          *body, [&](ObjectPtr object) { objects.push_back(std::move(object)); });
      if (!page) {
        set_error("list " + options_.kind + ": " + page.error().describe());
        failed = true;
        break;
      }
      resource_version = page->resource_version;
      list_options.continue_token = page->continue_token;
      if (list_options.continue_token.empty()) break;
    }
    if (failed) {
      metrics_.on_list_done(false);
      if (!sleep_backoff()) return false;
      reason = ListReason::kError;
      continue;
    }
    {
      std::lock_guard dispatch_guard(dispatch_mutex_);
      store_.replace(std::move(objects),
                     [&](const ObjectPtr& old, const ObjectPtr& now) { dispatch(old, now); });
      metrics_.set_objects(store_.size());
    }
    metrics_.on_list_done(true);
    {
      std::lock_guard guard(mutex_);
      resource_version_ = resource_version;
      ++stats_.lists;
    }
    synced_ = true;
    cv_.notify_all();
    return true;
  }
}

Informer::WatchEnd Informer::watch_once() {
  ListOptions watch_options;
  watch_options.label_selector = options_.label_selector;
  watch_options.field_selector = options_.field_selector;
  watch_options.allow_watch_bookmarks = true;
  {
    std::lock_guard guard(mutex_);
    watch_options.resource_version = resource_version_;
    jitter_ = jitter_ * 1103515245u + 12345u;
    const long long min = options_.min_watch_timeout.count();
    watch_options.timeout_seconds =
        min + static_cast<long long>((jitter_ >> 8) % (min > 0 ? min : 1));
  }
  metrics_.on_watch_started();
  auto stream = lister_watcher_->watch(watch_options);
  if (!stream) {
    if (stream.error().gone()) {
      metrics_.on_watch_end(WatchEndReason::kGone);
      std::lock_guard guard(mutex_);
      ++stats_.relists_after_gone;
      return WatchEnd::kRelist;
    }
    metrics_.on_watch_end(WatchEndReason::kError);
    set_error("watch " + options_.kind + ": " + stream.error().describe());
    return WatchEnd::kRetry;
  }
  {
    std::lock_guard guard(mutex_);
    if (stopping_) return WatchEnd::kStopped;
    stream_ = stream->get();
    ++stats_.watches;
  }
  WatchEnd end = WatchEnd::kResume;
  bool ended_by_event = false;
  std::string line;
  while ((*stream)->next_line(line)) {
    if (line.empty()) continue;
    auto event = decoder_.decode_event(line);
    if (!event) {
      metrics_.on_watch_end(WatchEndReason::kError);
      std::lock_guard guard(mutex_);
      ++stats_.decode_errors;
      stats_.last_error = "watch " + options_.kind + ": " + event.error().describe();
      end = WatchEnd::kRetry;  // resume from the last good resourceVersion
      ended_by_event = true;
      break;
    }
    metrics_.on_event(event->type);
    switch (event->type) {
      case EventType::kAdded:
      case EventType::kModified: {
        std::lock_guard dispatch_guard(dispatch_mutex_);
        ObjectPtr old = store_.upsert(event->object);
        if (!old) metrics_.on_object_added();
        dispatch(old, event->object);
        break;
      }
      case EventType::kDeleted: {
        std::lock_guard dispatch_guard(dispatch_mutex_);
        ObjectPtr old = store_.remove(event->object->key());
        if (old) metrics_.on_object_removed();
        dispatch(old ? old : event->object, nullptr);
        break;
      }
      case EventType::kBookmark:
        break;
      case EventType::kError:
        ended_by_event = true;
        if (event->error && event->error->gone()) {
          metrics_.on_watch_end(WatchEndReason::kGone);
          std::lock_guard guard(mutex_);
          ++stats_.relists_after_gone;
          end = WatchEnd::kRelist;
        } else {
          metrics_.on_watch_end(WatchEndReason::kError);
          set_error("watch " + options_.kind + ": " +
                    (event->error ? event->error->describe() : std::string("error event")));
          end = WatchEnd::kRetry;
        }
        break;
    }
    if (ended_by_event) break;
    std::lock_guard guard(mutex_);
    if (!event->resource_version.empty()) resource_version_ = event->resource_version;
    ++stats_.events;
    backoff_ = std::chrono::milliseconds(0);  // a healthy watch resets the backoff
  }
  std::lock_guard guard(mutex_);
  stream_ = nullptr;
  if (stopping_) return WatchEnd::kStopped;
  if (ended_by_event) return end;
  const std::string error = (*stream)->error();
  if (error.empty()) {  // the server ended the watch (timeout)
    metrics_.on_watch_end(WatchEndReason::kClosed);
    return WatchEnd::kResume;
  }
  metrics_.on_watch_end(WatchEndReason::kError);
  stats_.last_error = "watch " + options_.kind + ": " + error;
  return WatchEnd::kRetry;
}

void Informer::run() {
  for (ListReason reason = ListReason::kInitial;; reason = ListReason::kGone) {
    if (!list_all(reason)) return;
    for (;;) {
      const WatchEnd end = watch_once();
      if (end == WatchEnd::kStopped) return;
      if (end == WatchEnd::kRelist) break;
      if (end == WatchEnd::kRetry && !sleep_backoff()) return;
    }
  }
}

}  // namespace dynop::kube
