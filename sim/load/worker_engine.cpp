#include "sim/load/worker_engine.hpp"

#include <algorithm>

namespace dynop::sim {

const char* role_name(Role role) {
  switch (role) {
    case Role::kFrontend:
      return "frontend";
    case Role::kWorker:
      return "worker";
    case Role::kPrefill:
      return "prefill";
    case Role::kDecode:
      return "decode";
  }
  return "";
}

WorkerEngine::WorkerEngine(Role role, std::shared_ptr<const EngineModel> model, std::int32_t slot)
    : role_(role),
      model_(std::move(model)),
      slot_(slot),
      max_kv_(model_ && model_->decode ? model_->decode->max_kv_tokens() : 0) {}

std::vector<std::int32_t>& WorkerEngine::by_frontend(std::int32_t frontend) {
  if (static_cast<std::size_t>(frontend) >= batch_by_frontend_.size()) {
    batch_by_frontend_.resize(static_cast<std::size_t>(frontend) + 1, 0);
  }
  return batch_by_frontend_;
}

void WorkerEngine::enqueue_prefill(RequestId id, Request& r) {
  r.worker = slot_;
  r.stage = Request::Stage::kPrefill;
  r.prefill_left = r.input_tokens;
  prefill_queue_.push_back(id);
  queued_prefill_tokens_ += r.input_tokens;
  ++held_;
}

bool WorkerEngine::has_room_for(const Request& r) const {
  const std::int64_t need = static_cast<std::int64_t>(r.input_tokens) + r.output_tokens;
  // An empty engine takes any request, so one longer than the cache still runs.
  return kv_reserved_ == 0 || static_cast<double>(kv_reserved_ + need) <= max_kv_;
}

void WorkerEngine::admit_decode(RequestId id, Request& r) {
  r.worker = slot_;
  r.stage = Request::Stage::kDecodeWait;
  r.holds_kv = true;
  kv_reserved_ += static_cast<std::int64_t>(r.input_tokens) + r.output_tokens;
  decode_wait_.push_back(id);
  ++held_;
}

void WorkerEngine::join_decode(RequestId id, Request& r) {
  r.stage = Request::Stage::kDecode;
  r.decode_start = steps_;
  ++batch_;
  base_ += static_cast<std::int64_t>(r.input_tokens) + 1 - steps_;
  ++by_frontend(r.frontend)[static_cast<std::size_t>(r.frontend)];
  finishes_.push_back({steps_ + r.output_tokens - 1, id, r.generation});
  std::push_heap(finishes_.begin(), finishes_.end());
}

void WorkerEngine::leave_decode(RequestId, Request& r) {
  --batch_;
  base_ -= static_cast<std::int64_t>(r.input_tokens) + 1 - r.decode_start;
  --batch_by_frontend_[static_cast<std::size_t>(r.frontend)];
}

bool WorkerEngine::start_step(SimTime now, RequestTable& requests) {
  if (busy_) return true;
  // Requests prefilled elsewhere join the batch at a step boundary.
  while (!decode_wait_.empty()) {
    const RequestId id = decode_wait_.front();
    decode_wait_.pop_front();
    join_decode(id, requests[id]);
  }
  chunks_.clear();
  double seconds = 0;
  std::int64_t budget = model_->max_batched_tokens;
  if (batch_ > 0) {
    budget = std::max<std::int64_t>(0, budget - batch_);
    const double tokens = static_cast<double>(base_ + batch_ * steps_);
    seconds += model_->decode->itl_seconds(tokens / max_kv_, tokens / static_cast<double>(batch_));
  }
  for (auto it = prefill_queue_.begin(); it != prefill_queue_.end() && budget > 0; ++it) {
    Request& r = requests[*it];
    if (!r.holds_kv && decodes()) {
      // An aggregated engine keeps the request's KV for its decode too.
      if (!has_room_for(r)) break;  // first come, first served
      r.holds_kv = true;
      kv_reserved_ += static_cast<std::int64_t>(r.input_tokens) + r.output_tokens;
    }
    const std::int32_t take =
        static_cast<std::int32_t>(std::min<std::int64_t>(budget, r.prefill_left));
    budget -= take;
    chunks_.emplace_back(*it, take);
    seconds += take / (model_->prefill->thpt_per_gpu(r.input_tokens) * model_->gpus_per_engine);
  }
  if (batch_ == 0 && chunks_.empty()) return false;
  step_batch_ = batch_;
  busy_ = true;
  step_end_ = now + std::max(sim_seconds(seconds), SimDuration(1));
  result_.seconds = seconds;
  return true;
}

const WorkerEngine::StepResult& WorkerEngine::finish_step(RequestTable& requests) {
  busy_ = false;
  ++steps_;
  result_.prefilled.clear();
  result_.finished.clear();
  result_.handed_off.clear();
  result_.tokens_by_frontend.assign(batch_by_frontend_.begin(), batch_by_frontend_.end());
  tokens_processed_ += batch_;
  // Decode: everyone in the batch got a token; some are done.
  while (!finishes_.empty() && finishes_.front().step <= steps_) {
    std::pop_heap(finishes_.begin(), finishes_.end());
    const Finish f = finishes_.back();
    finishes_.pop_back();
    Request& r = requests[f.id];
    if (!r.live || r.generation != f.generation || r.stage != Request::Stage::kDecode ||
        r.worker != slot_) {
      continue;  // cancelled meanwhile
    }
    leave_decode(f.id, r);
    r.stage = Request::Stage::kDone;
    r.worker = -1;
    kv_reserved_ -= static_cast<std::int64_t>(r.input_tokens) + r.output_tokens;
    r.holds_kv = false;
    --held_;
    result_.finished.push_back(f.id);
  }
  // Prefill chunks; a finished prefill is the first token.
  for (const auto& [id, take] : chunks_) {
    Request& r = requests[id];
    if (!r.live || r.stage != Request::Stage::kPrefill || r.worker != slot_) continue;
    r.prefill_left -= take;
    queued_prefill_tokens_ -= take;
    prefill_done_tokens_ += take;
    tokens_processed_ += take;
    if (r.prefill_left > 0) continue;
    prefill_done_tokens_ -= r.input_tokens;
    result_.prefilled.push_back(id);
    prefill_queue_.erase(std::find(prefill_queue_.begin(), prefill_queue_.end(), id));
    if (role_ == Role::kPrefill || r.output_tokens <= 1) {
      r.worker = -1;
      --held_;
      if (r.holds_kv) {
        kv_reserved_ -= static_cast<std::int64_t>(r.input_tokens) + r.output_tokens;
        r.holds_kv = false;
      }
      if (r.output_tokens <= 1) {
        r.stage = Request::Stage::kDone;
        result_.finished.push_back(id);
      } else {
        r.stage = Request::Stage::kWaiting;
        result_.handed_off.push_back(id);
      }
      continue;
    }
    join_decode(id, r);
  }
  chunks_.clear();
  return result_;
}

void WorkerEngine::cancel(RequestId id, RequestTable& requests) {
  Request& r = requests[id];
  if (r.worker != slot_) return;
  switch (r.stage) {
    case Request::Stage::kPrefill:
      prefill_queue_.erase(std::find(prefill_queue_.begin(), prefill_queue_.end(), id));
      queued_prefill_tokens_ -= r.prefill_left;
      prefill_done_tokens_ -= r.input_tokens - r.prefill_left;
      break;
    case Request::Stage::kDecodeWait:
      decode_wait_.erase(std::find(decode_wait_.begin(), decode_wait_.end(), id));
      break;
    case Request::Stage::kDecode:
      leave_decode(id, r);
      break;
    default:
      return;
  }
  if (r.holds_kv) {
    kv_reserved_ -= static_cast<std::int64_t>(r.input_tokens) + r.output_tokens;
    r.holds_kv = false;
  }
  r.worker = -1;
  r.stage = Request::Stage::kDone;
  --held_;
}

std::vector<RequestId> WorkerEngine::all_requests() const {
  std::vector<RequestId> out(prefill_queue_.begin(), prefill_queue_.end());
  out.insert(out.end(), decode_wait_.begin(), decode_wait_.end());
  for (const auto& f : finishes_) out.push_back(f.id);  // may include stale ids: callers check
  return out;
}

double WorkerEngine::kv_usage() const {
  if (!(max_kv_ > 0)) return 0;
  const double tokens = static_cast<double>(base_ + batch_ * steps_ + prefill_done_tokens_);
  return std::clamp(tokens / max_kv_, 0.0, 1.0);
}

}  // namespace dynop::sim
