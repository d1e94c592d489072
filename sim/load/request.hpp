#pragma once
// One simulated inference request as the frontend and the workers see it.

#include <cstdint>
#include <vector>

#include "sim/load/sim_clock.hpp"

namespace dynop::sim {

using RequestId = std::uint32_t;

struct Request {
  enum class Stage : std::uint8_t { kWaiting, kPrefill, kDecodeWait, kDecode, kDone };
  SimTime arrival;
  SimTime first_token;
  std::int32_t input_tokens = 0;
  std::int32_t output_tokens = 0;
  std::int32_t prefill_left = 0;  // input tokens not yet prefilled
  std::int32_t frontend = -1;     // frontend slot
  std::int32_t worker = -1;       // slot of the worker holding it, -1 while waiting
  std::int64_t decode_start = 0;  // the decode worker's step count when it joined
  std::uint32_t generation = 0;   // tells a reused id from the request it was before
  Stage stage = Stage::kWaiting;
  bool holds_kv = false;  // input + output reserved on its worker
  bool first_token_sent = false;
  bool live = false;  // false once finished, failed or cancelled
};

// Requests by id; ids are reused once a request is released.
class RequestTable {
 public:
  RequestId add(const Request& r) {
    RequestId id;
    if (!free_.empty()) {
      id = free_.back();
      free_.pop_back();
      const std::uint32_t generation = slots_[id].generation + 1;
      slots_[id] = r;
      slots_[id].generation = generation;
    } else {
      id = static_cast<RequestId>(slots_.size());
      slots_.push_back(r);
    }
    slots_[id].live = true;
    return id;
  }
  void release(RequestId id) {
    slots_[id].live = false;
    free_.push_back(id);
  }
  Request& operator[](RequestId id) { return slots_[id]; }
  const Request& operator[](RequestId id) const { return slots_[id]; }

 private:
  std::vector<Request> slots_;
  std::vector<RequestId> free_;
};

}  // namespace dynop::sim
