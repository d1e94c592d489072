#include "lib/controller/controller.hpp"

#include <chrono>

#include "lib/kube/cache/object_decoder.hpp"
#include "lib/kube/client/resource.hpp"
#include "lib/metrics/registry.hpp"
#include "lib/workqueue/registry_queue_metrics.hpp"

namespace dynop::controller {

MapFunc map_same_key() {
  return [](const kube::ObjectPtr& object) {
    return std::vector<Request>{Request{std::string(object->ns()), std::string(object->name())}};
  };
}

MapFunc map_controller_owner(const std::string& api_version, const std::string& kind) {
  const std::string group = kube::split_api_version(api_version).first;
  return [group, kind](const kube::ObjectPtr& object) {
    const std::optional<kube::OwnerRef> owner = object->controller();
    if (!owner || owner->name.empty() || owner->kind != kind ||
        kube::split_api_version(owner->api_version).first != group)
      return std::vector<Request>{};
    return std::vector<Request>{Request{std::string(object->ns()), std::string(owner->name)}};
  };
}

Controller::Controller(ControllerOptions options, Reconciler& reconciler)
    : options_(std::move(options)), reconciler_(reconciler) {
  RequestQueue::Options queue_options;
  queue_options.clock = options_.clock;
  queue_options.rate_limiter = workqueue::make_default_rate_limiter<Request, RequestHash>(
      options_.rate_limiter, options_.clock ? *options_.clock : clock::real_clock());
  if (options_.metrics) {
    queue_options.metrics = workqueue::make_queue_metrics(*options_.metrics, options_.name);
    const auto total =
        options_.metrics->counter("dynop_reconcile_total", "Reconciles by controller and result.");
    done_ = &total.with({{"controller", options_.name}, {"result", "success"}});
    requeued_ = &total.with({{"controller", options_.name}, {"result", "requeue_after"}});
    errors_ = &total.with({{"controller", options_.name}, {"result", "error"}});
    terminal_ = &total.with({{"controller", options_.name}, {"result", "terminal_error"}});
    conflicts_ = &total.with({{"controller", options_.name}, {"result", "conflict"}});
    duration_ = &options_.metrics
                     ->histogram("dynop_reconcile_duration_seconds", "Time spent in reconcile.",
                                 metrics::exponential_buckets(1e-6, 4, 14))
                     .with({{"controller", options_.name}});
  }
  queue_ = std::make_unique<RequestQueue>(std::move(queue_options));
}

Controller::~Controller() {
  stop();
  for (auto& [informer, id] : handlers_) informer->remove_handler(id);
}

void Controller::enqueue(const MapFunc& map, const kube::ObjectPtr& object) {
  for (const Request& request : map(object)) queue_->add(request);
}

void Controller::watch(kube::Informer& informer, MapFunc map) {
  auto shared = std::make_shared<MapFunc>(std::move(map));
  kube::EventHandler handler;
  handler.on_add = [this, shared](const kube::ObjectPtr& object) { enqueue(*shared, object); };
  handler.on_update = [this, shared](const kube::ObjectPtr& old, const kube::ObjectPtr& now) {
    // Both: an object that changed owner concerns its old and new owner.
    enqueue(*shared, old);
    enqueue(*shared, now);
  };
  handler.on_delete = [this, shared](const kube::ObjectPtr& object) { enqueue(*shared, object); };
  handlers_.emplace_back(&informer, informer.add_handler(std::move(handler)));
}

void Controller::start() {
  if (!workers_.empty()) return;
  const int count = options_.workers > 0 ? options_.workers : 1;
  for (int i = 0; i < count; ++i) workers_.emplace_back([this] { work(); });
}

void Controller::stop() {
  if (workers_.empty()) return;
  queue_->shut_down_with_drain();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

void Controller::wait_for_caches() {
  // As controller-runtime does: a reconcile before the caches it reads are
  // filled would only fail ("has not synced yet") or see objects missing.
  // Stopping ends the wait; the workers then drain the queue as usual.
  for (auto& [informer, id] : handlers_) {
    while (!informer->wait_for_sync(std::chrono::milliseconds(100))) {
      if (queue_->shutting_down()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a stopped informer
    }
  }
}

void Controller::work() {
  clock::Clock& clock = options_.clock ? *options_.clock : clock::real_clock();
  wait_for_caches();
  while (auto request = queue_->get()) {
    const clock::TimePoint started = clock.now();
    ReconcileResult result;
    try {
      result = reconciler_.reconcile(*request);
    } catch (const std::exception& e) {
      result = ReconcileResult::error(std::string("reconcile threw: ") + e.what());
    } catch (...) {
      result = ReconcileResult::error("reconcile threw a non-standard exception");
    }
    if (duration_) duration_->Observe(std::chrono::duration<double>(clock.now() - started).count());
    switch (result.outcome) {
      case ReconcileResult::Outcome::kDone:
        queue_->forget(*request);
        if (done_) done_->Increment();
        break;
      case ReconcileResult::Outcome::kRequeueAfter:
        queue_->forget(*request);
        queue_->add_after(*request, result.requeue_after);
        if (requeued_) requeued_->Increment();
        break;
      case ReconcileResult::Outcome::kError:
        queue_->add_rate_limited(*request);
        if (errors_) errors_->Increment();
        if (options_.on_failure) options_.on_failure(*request, result);
        break;
      case ReconcileResult::Outcome::kConflict:
        queue_->add_rate_limited(*request);
        if (conflicts_) conflicts_->Increment();
        if (options_.on_failure) options_.on_failure(*request, result);
        break;
      case ReconcileResult::Outcome::kTerminalError:
        queue_->forget(*request);
        if (terminal_) terminal_->Increment();
        if (options_.on_failure) options_.on_failure(*request, result);
        break;
    }
    queue_->done(*request);
  }
}

}  // namespace dynop::controller
