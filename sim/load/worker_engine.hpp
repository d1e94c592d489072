#pragma once
// The capacity model of one inference engine (a worker pod), from its
// profile. The engine runs in steps, as vLLM's scheduler does: each step
// gives every request in the decode batch one token and prefills a chunk of
// waiting input, up to max_batched_tokens in all. A step takes the profile's
// ITL at the batch's KV use and mean context length, plus the prefill chunk's
// tokens over the profile's prefill throughput at each request's input length.
// So prefill alone takes the profile's TTFT, decode alone its ITL, and the two
// slow each other down when they share an engine.
//
// Roles: an aggregated worker prefills and decodes its own requests; a
// prefill worker only prefills (the graph hands the request to a decode
// worker); a decode worker only decodes. A request needs KV room for its whole
// input and output before its decode worker (or aggregated worker) takes it;
// KV use reported is the tokens actually in flight.

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "lib/profiling/interpolators.hpp"
#include "sim/load/request.hpp"
#include "sim/load/sim_clock.hpp"

namespace dynop::sim {

enum class Role { kFrontend, kWorker, kPrefill, kDecode };
const char* role_name(Role role);

// What every engine of a graph shares: the profile's interpolators.
struct EngineModel {
  std::shared_ptr<const profiling::PrefillInterpolator> prefill;
  std::shared_ptr<const profiling::DecodeInterpolator> decode;
  int gpus_per_engine = 1;
  int max_batched_tokens = 8192;
};

class WorkerEngine {
 public:
  // `slot`: this engine's worker slot in its graph (Request::worker).
  WorkerEngine(Role role, std::shared_ptr<const EngineModel> model, std::int32_t slot);

  Role role() const { return role_; }
  bool prefills() const { return role_ != Role::kDecode; }
  bool decodes() const { return role_ != Role::kPrefill; }

  // Prefill work, FIFO (aggregated and prefill workers).
  void enqueue_prefill(RequestId id, Request& r);
  // Whether a decode (or aggregated) engine has KV room for r's whole length.
  bool has_room_for(const Request& r) const;
  // Decode work after a remote prefill (decode workers): joins at the next step.
  void admit_decode(RequestId id, Request& r);

  // Starts a step at `now` if there is work; returns whether it did.
  bool start_step(SimTime now, RequestTable& requests);
  bool busy() const { return busy_; }
  SimTime step_end() const { return step_end_; }

  // What a finished step produced (valid until the next finish_step).
  struct StepResult {
    double seconds = 0;                            // the step's length (the ITL of its tokens)
    std::vector<std::int32_t> tokens_by_frontend;  // decode tokens emitted, per frontend slot
    std::vector<RequestId> prefilled;              // first token now
    std::vector<RequestId> finished;               // last token now (still in the table)
    std::vector<RequestId> handed_off;  // prefill workers: prefilled, for a decode worker
  };
  const StepResult& finish_step(RequestTable& requests);

  // Removes a request (its frontend went away); it stays in the table.
  void cancel(RequestId id, RequestTable& requests);
  // Every request the engine holds, for failing them when the pod dies.
  std::vector<RequestId> all_requests() const;

  double kv_usage() const;
  std::int64_t queued_prefill_tokens() const { return queued_prefill_tokens_; }
  std::int64_t kv_reserved() const { return kv_reserved_; }
  std::int32_t requests() const { return static_cast<std::int32_t>(held_); }
  bool idle() const { return held_ == 0; }
  // Tokens processed so far (prefill and decode), for the CPU model.
  std::int64_t tokens_processed() const { return tokens_processed_; }

 private:
  struct Finish {
    std::int64_t step;
    RequestId id;
    std::uint32_t generation;
    // A min-heap on (step, id) through std::push_heap's max-heap.
    bool operator<(const Finish& o) const { return step > o.step || (step == o.step && id > o.id); }
  };
  std::vector<std::int32_t>& by_frontend(std::int32_t frontend);
  void join_decode(RequestId id, Request& r);
  void leave_decode(RequestId id, Request& r);

  Role role_;
  std::shared_ptr<const EngineModel> model_;
  std::int32_t slot_;
  double max_kv_;
  bool busy_ = false;
  SimTime step_end_{};
  std::int64_t steps_ = 0;  // completed steps

  std::deque<RequestId> prefill_queue_;                     // head may be partly prefilled
  std::vector<std::pair<RequestId, std::int32_t>> chunks_;  // this step's prefill chunks
  std::int64_t queued_prefill_tokens_ = 0;
  std::int64_t prefill_done_tokens_ = 0;  // prefilled so far by requests still prefilling
  std::deque<RequestId> decode_wait_;     // admitted, joining at the next step
  std::int64_t kv_reserved_ = 0;          // input + output of every request holding KV

  // The decode batch: request r has 1 + (steps_ - decode_start) tokens, so the
  // batch's tokens are base_ + batch_ x steps_ with no per-request walk.
  std::vector<Finish> finishes_;  // heap; entries of cancelled requests are skipped
  std::int64_t batch_ = 0;
  std::int64_t base_ = 0;
  std::vector<std::int32_t> batch_by_frontend_;
  std::int64_t step_batch_ = 0;  // batch size when the running step started

  std::size_t held_ = 0;
  std::int64_t tokens_processed_ = 0;
  StepResult result_;
};

}  // namespace dynop::sim
