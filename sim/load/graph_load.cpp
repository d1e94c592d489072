#include "sim/load/graph_load.hpp"

#include <algorithm>
#include <set>

namespace dynop::sim {

struct GraphLoad::Frontend {
  SimTime started;
  bool ready = false;
  bool draining = false;  // removed gracefully, finishing its requests
  bool alive = true;
  std::unique_ptr<FrontendMetrics> metrics;
  std::int64_t inflight = 0;
  std::int64_t queued = 0;  // no first token yet
  std::uint64_t requests = 0;
  std::uint64_t tokens = 0;
  // Decode tokens since the last flush: batched into the ITL histogram.
  std::vector<double> itl_counts;
  double itl_sum = 0;
  std::uint64_t tokens_unflushed = 0;
};

struct GraphLoad::Worker {
  Role role;
  std::string component;
  SimTime started;
  bool ready = false;
  bool draining = false;
  bool alive = true;
  std::uint32_t generation = 0;
  std::unique_ptr<WorkerEngine> engine;
  std::unique_ptr<WorkerMetrics> metrics;
  std::uint64_t requests = 0;

  bool takes_work() const { return alive && ready && !draining; }
};

GraphLoad::GraphLoad(GraphConfig config) : config_(std::move(config)) {
  auto model = std::make_shared<EngineModel>();
  if (config_.profile) {
    model->prefill = std::make_shared<profiling::PrefillInterpolator>(config_.profile->prefill);
    model->decode = std::make_shared<profiling::DecodeInterpolator>(config_.profile->decode);
  }
  model->gpus_per_engine = config_.gpus_per_engine;
  model->max_batched_tokens = config_.max_batched_tokens;
  model_ = std::move(model);
  if (config_.load) {
    const SimTime start = SimTime(sim_seconds(config_.load->start_seconds));
    if (config_.load->is_trace) {
      arrivals_ = trace_arrivals(config_.load->replay, start, config_.seed);
    } else {
      arrivals_ = poisson_arrivals(config_.load->rate, config_.load->input_tokens,
                                   config_.load->output_tokens, start, config_.seed);
    }
    next_arrival_ = arrivals_->next();
  }
}

GraphLoad::~GraphLoad() = default;

PodHandle GraphLoad::add_pod(Role role, const std::string& component, SimTime now) {
  if (role == Role::kFrontend) {
    auto f = std::make_unique<Frontend>();
    f->started = now;
    f->metrics = std::make_unique<FrontendMetrics>(config_.model, config_.dynamo_namespace());
    f->itl_counts.assign(f->metrics->itl_buckets.size() + 1, 0.0);
    frontends_.push_back(std::move(f));
    return {role, static_cast<std::int32_t>(frontends_.size() - 1)};
  }
  auto w = std::make_unique<Worker>();
  const auto slot = static_cast<std::int32_t>(workers_.size());
  w->role = role;
  w->component = component;
  w->started = now;
  w->engine = std::make_unique<WorkerEngine>(role, model_, slot);
  w->metrics =
      std::make_unique<WorkerMetrics>(config_.model, config_.dynamo_namespace(), component);
  workers_.push_back(std::move(w));
  return {role, slot};
}

void GraphLoad::set_ready(PodHandle pod, bool ready, SimTime now) {
  advance_to(now);
  if (pod.role == Role::kFrontend) {
    frontends_[pod.slot]->ready = ready;
    return;
  }
  Worker& w = *workers_[pod.slot];
  w.ready = ready;
  if (ready) dispatch_pending();
}

bool GraphLoad::ready(PodHandle pod) const {
  if (pod.role == Role::kFrontend) {
    const Frontend& f = *frontends_[pod.slot];
    return f.alive && f.ready && !f.draining;
  }
  return workers_[pod.slot]->takes_work();
}

void GraphLoad::remove_pod(PodHandle pod, bool graceful, SimTime now) {
  advance_to(now);
  if (pod.role == Role::kFrontend) {
    Frontend& f = *frontends_[pod.slot];
    f.ready = false;
    if (graceful && f.inflight > 0) {
      f.draining = true;
      return;
    }
    fail_frontend_requests(pod.slot);
    f.alive = false;
    return;
  }
  Worker& w = *workers_[pod.slot];
  w.ready = false;
  if (graceful) {
    w.draining = true;
    retire_if_drained(pod.slot);
    return;
  }
  fail_worker_requests(w);
  w.alive = false;
  ++w.generation;
}

void GraphLoad::restart_pod(PodHandle pod, SimTime now) {
  advance_to(now);
  if (pod.role == Role::kFrontend) {
    Frontend& f = *frontends_[pod.slot];
    fail_frontend_requests(pod.slot);
    f.ready = false;
    f.draining = false;
    f.started = now;
    f.requests = 0;
    f.tokens = 0;
    f.tokens_unflushed = 0;
    f.itl_sum = 0;
    std::fill(f.itl_counts.begin(), f.itl_counts.end(), 0.0);
    f.metrics = std::make_unique<FrontendMetrics>(config_.model, config_.dynamo_namespace());
    return;
  }
  Worker& w = *workers_[pod.slot];
  fail_worker_requests(w);
  w.ready = false;
  w.draining = false;
  w.started = now;
  w.requests = 0;
  ++w.generation;
  w.engine = std::make_unique<WorkerEngine>(w.role, model_, pod.slot);
  w.metrics =
      std::make_unique<WorkerMetrics>(config_.model, config_.dynamo_namespace(), w.component);
}

std::shared_ptr<prometheus::Registry> GraphLoad::registry(PodHandle pod) const {
  if (pod.role == Role::kFrontend) return frontends_[pod.slot]->metrics->registry;
  return workers_[pod.slot]->metrics->registry;
}

PodUsage GraphLoad::usage(PodHandle pod, SimTime now) const {
  const bool frontend = pod.role == Role::kFrontend;
  const ResourceProfile& r = frontend ? config_.frontend_resources : config_.worker_resources;
  PodUsage u;
  double requests = 0, tokens = 0, inflight = 0;
  if (frontend) {
    const Frontend& f = *frontends_[pod.slot];
    u.started = f.started;
    requests = static_cast<double>(f.requests);
    tokens = static_cast<double>(f.tokens);
    inflight = static_cast<double>(f.inflight);
  } else {
    const Worker& w = *workers_[pod.slot];
    u.started = w.started;
    requests = static_cast<double>(w.requests);
    tokens = static_cast<double>(w.engine->tokens_processed());
    inflight = w.engine->requests();
  }
  const double alive = std::max(0.0, to_seconds(now - u.started));
  u.cpu_core_seconds = r.idle_cores * alive + r.core_seconds_per_request * requests +
                       r.core_seconds_per_token * tokens;
  u.memory_bytes = r.memory_bytes + r.memory_bytes_per_request * inflight;
  return u;
}

void GraphLoad::advance_to(SimTime t) {
  if (t < now_) t = now_;
  for (;;) {
    while (!events_.empty()) {
      const Event& top = events_.front();
      const Worker& w = *workers_[top.worker];
      if (w.generation == top.generation && w.engine->busy() && w.engine->step_end() == top.at) {
        break;
      }
      std::pop_heap(events_.begin(), events_.end());
      events_.pop_back();
    }
    const bool have_event = !events_.empty() && events_.front().at <= t;
    const bool have_arrival = next_arrival_ && next_arrival_->at <= t;
    if (!have_event && !have_arrival) break;
    // Workers first on a tie: a step that ends as a request arrives frees its room first.
    if (have_event && (!have_arrival || events_.front().at <= next_arrival_->at)) {
      const Event e = events_.front();
      std::pop_heap(events_.begin(), events_.end());
      events_.pop_back();
      now_ = e.at;
      on_step_end(e.worker);
    } else {
      now_ = next_arrival_->at;
      const Arrival a = *next_arrival_;
      next_arrival_ = arrivals_->next();
      on_arrival(a);
    }
  }
  now_ = t;
  flush_metrics();
}

void GraphLoad::on_arrival(const Arrival& a) {
  ++stats_.arrived;
  // Round-robin over the Ready frontends, as a Service spreads connections.
  std::int32_t chosen = -1;
  for (std::size_t i = 0; i < frontends_.size(); ++i) {
    const std::size_t at = (next_frontend_ + i) % frontends_.size();
    const Frontend& f = *frontends_[at];
    if (f.alive && f.ready && !f.draining) {
      chosen = static_cast<std::int32_t>(at);
      next_frontend_ = at + 1;
      break;
    }
  }
  if (chosen < 0) {
    ++stats_.dropped;
    return;
  }
  Frontend& f = *frontends_[chosen];
  ++f.inflight;
  ++f.queued;
  ++f.requests;
  f.metrics->input_tokens->Observe(a.input_tokens);
  Request r;
  r.arrival = a.at;
  r.input_tokens = a.input_tokens;
  r.output_tokens = a.output_tokens;
  r.frontend = chosen;
  const RequestId id = requests_.add(r);
  if (!model_->prefill) {  // no profile: nothing can serve it
    pending_prefill_.push_back(id);
    return;
  }
  dispatch_prefill(id);
}

void GraphLoad::dispatch_prefill(RequestId id) {
  std::int32_t best = -1;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    const Worker& w = *workers_[i];
    if (!w.takes_work() || !w.engine->prefills()) continue;
    if (best < 0) {
      best = static_cast<std::int32_t>(i);
      continue;
    }
    const WorkerEngine& b = *workers_[best]->engine;
    const WorkerEngine& e = *w.engine;
    if (e.queued_prefill_tokens() < b.queued_prefill_tokens() ||
        (e.queued_prefill_tokens() == b.queued_prefill_tokens() && e.requests() < b.requests())) {
      best = static_cast<std::int32_t>(i);
    }
  }
  if (best < 0) {
    pending_prefill_.push_back(id);
    return;
  }
  Worker& w = *workers_[best];
  w.engine->enqueue_prefill(id, requests_[id]);
  ++w.requests;
  w.metrics->requests_total->Increment();
  kick(best);
}

bool GraphLoad::dispatch_decode(RequestId id) {
  const Request& r = requests_[id];
  std::int32_t best = -1;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    const Worker& w = *workers_[i];
    if (!w.takes_work() || !w.engine->decodes() || !w.engine->has_room_for(r)) continue;
    if (best < 0 || w.engine->kv_reserved() < workers_[best]->engine->kv_reserved()) {
      best = static_cast<std::int32_t>(i);
    }
  }
  if (best < 0) return false;
  Worker& w = *workers_[best];
  w.engine->admit_decode(id, requests_[id]);
  ++w.requests;
  w.metrics->requests_total->Increment();
  kick(best);
  return true;
}

void GraphLoad::dispatch_pending() {
  if (model_->prefill) {
    std::deque<RequestId> waiting;
    waiting.swap(pending_prefill_);
    for (RequestId id : waiting) {
      if (requests_[id].live) dispatch_prefill(id);
    }
  }
  while (!pending_decode_.empty()) {
    const RequestId id = pending_decode_.front();
    if (!requests_[id].live) {
      pending_decode_.pop_front();
      continue;
    }
    if (!dispatch_decode(id)) break;  // first come, first served
    pending_decode_.pop_front();
  }
}

void GraphLoad::kick(std::int32_t worker) {
  Worker& w = *workers_[worker];
  if (w.engine->busy() || !w.alive) return;
  if (!w.engine->start_step(now_, requests_)) return;
  events_.push_back({w.engine->step_end(), worker, w.generation});
  std::push_heap(events_.begin(), events_.end());
}

void GraphLoad::on_step_end(std::int32_t worker) {
  Worker& w = *workers_[worker];
  const WorkerEngine::StepResult& res = w.engine->finish_step(requests_);
  const auto& itl_bounds =
      frontends_.empty() ? std::vector<double>{} : frontends_.front()->metrics->itl_buckets;
  const std::size_t bucket = static_cast<std::size_t>(
      std::lower_bound(itl_bounds.begin(), itl_bounds.end(), res.seconds) - itl_bounds.begin());
  for (std::size_t f = 0; f < res.tokens_by_frontend.size(); ++f) {
    const std::int32_t count = res.tokens_by_frontend[f];
    if (count == 0) continue;
    Frontend& fe = *frontends_[f];
    fe.itl_counts[bucket] += count;
    fe.itl_sum += count * res.seconds;
    fe.tokens += static_cast<std::uint64_t>(count);
    fe.tokens_unflushed += static_cast<std::uint64_t>(count);
    stats_.output_tokens += static_cast<std::uint64_t>(count);
  }
  // Copies: dispatching below may start steps that reuse the engine's result.
  const std::vector<RequestId> prefilled = res.prefilled;
  const std::vector<RequestId> handed_off = res.handed_off;
  const std::vector<RequestId> finished = res.finished;
  for (RequestId id : prefilled) first_token(id);
  for (RequestId id : finished) finish(id, true);
  for (RequestId id : handed_off) {
    if (!dispatch_decode(id)) pending_decode_.push_back(id);
  }
  if (!finished.empty()) dispatch_pending();
  retire_if_drained(worker);
  kick(worker);
}

void GraphLoad::first_token(RequestId id) {
  Request& r = requests_[id];
  r.first_token_sent = true;
  r.first_token = now_;
  Frontend& f = *frontends_[r.frontend];
  --f.queued;
  ++f.tokens;
  ++f.tokens_unflushed;
  ++stats_.output_tokens;
  f.metrics->ttft->Observe(to_seconds(now_ - r.arrival));
}

void GraphLoad::finish(RequestId id, bool success) {
  Request& r = requests_[id];
  Frontend& f = *frontends_[r.frontend];
  --f.inflight;
  if (!r.first_token_sent) --f.queued;
  if (success) {
    ++stats_.completed;
    f.metrics->requests_success->Increment();
    f.metrics->request_duration->Observe(to_seconds(now_ - r.arrival));
    f.metrics->output_tokens->Observe(r.output_tokens);
  } else {
    ++stats_.failed;
    f.metrics->requests_error->Increment();
  }
  requests_.release(id);
  if (f.draining && f.inflight == 0) f.alive = false;
}

void GraphLoad::fail_worker_requests(Worker& w) {
  std::set<RequestId> held;
  for (RequestId id : w.engine->all_requests()) held.insert(id);
  for (RequestId id : held) {
    Request& r = requests_[id];
    if (!r.live || r.worker < 0 || workers_[r.worker].get() != &w) continue;
    w.engine->cancel(id, requests_);
    finish(id, false);
  }
  ++w.generation;
}

void GraphLoad::fail_frontend_requests(std::int32_t frontend) {
  for (auto& wp : workers_) {
    Worker& w = *wp;
    std::set<RequestId> held;
    for (RequestId id : w.engine->all_requests()) held.insert(id);
    for (RequestId id : held) {
      Request& r = requests_[id];
      if (!r.live || r.frontend != frontend || r.worker < 0 || workers_[r.worker].get() != &w) {
        continue;
      }
      w.engine->cancel(id, requests_);
      finish(id, false);
    }
  }
  for (auto* queue : {&pending_prefill_, &pending_decode_}) {
    std::deque<RequestId> keep;
    for (RequestId id : *queue) {
      if (requests_[id].live && requests_[id].frontend == frontend) {
        finish(id, false);
      } else if (requests_[id].live) {
        keep.push_back(id);
      }
    }
    queue->swap(keep);
  }
}

void GraphLoad::retire_if_drained(std::int32_t worker) {
  Worker& w = *workers_[worker];
  if (w.draining && w.engine->idle()) {
    w.alive = false;
    ++w.generation;
  }
}

void GraphLoad::flush_metrics() {
  for (auto& fp : frontends_) {
    Frontend& f = *fp;
    f.metrics->inflight->Set(static_cast<double>(f.inflight));
    f.metrics->queued->Set(static_cast<double>(f.queued));
    if (f.tokens_unflushed > 0) {
      f.metrics->output_tokens_total->Increment(static_cast<double>(f.tokens_unflushed));
      f.tokens_unflushed = 0;
    }
    if (f.itl_sum > 0 ||
        std::any_of(f.itl_counts.begin(), f.itl_counts.end(), [](double c) { return c > 0; })) {
      f.metrics->itl->ObserveMultiple(f.itl_counts, f.itl_sum);
      std::fill(f.itl_counts.begin(), f.itl_counts.end(), 0.0);
      f.itl_sum = 0;
    }
  }
  for (auto& wp : workers_) {
    Worker& w = *wp;
    w.metrics->gpu_cache_usage->Set(w.engine->kv_usage());
    w.metrics->inflight->Set(w.engine->requests());
  }
}

GraphStats GraphLoad::stats() const {
  GraphStats s = stats_;
  s.waiting = pending_prefill_.size() + pending_decode_.size();
  return s;
}

}  // namespace dynop::sim
