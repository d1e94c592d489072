#pragma once
// Where a graph's requests come from: a rate profile (constant, step, square
// wave, sine) driving a Poisson process, or a replayed trace. Each source
// yields requests in time order and is deterministic for its seed.

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "sim/load/random.hpp"
#include "sim/load/sim_clock.hpp"
#include "sim/load/trace.hpp"

namespace dynop::sim {

struct Arrival {
  SimTime at;
  std::int32_t input_tokens;
  std::int32_t output_tokens;
};

// Input or output length of generated requests.
struct TokenDistribution {
  enum class Kind { kConstant, kUniform, kNormal };
  Kind kind = Kind::kConstant;
  double a = 1;                         // constant value, uniform low, normal mean
  double b = 1;                         // uniform high, normal standard deviation
  std::int32_t sample(Rng& rng) const;  // at least 1
};

// Requests per simulated second as a function of time since the load started.
struct RateProfile {
  enum class Kind { kConstant, kStep, kSquare, kSine };
  Kind kind = Kind::kConstant;
  double rate = 0;                                   // constant
  std::vector<std::pair<double, double>> steps;      // step: (from second, rate), ordered
  double low = 0, high = 0, period = 1, duty = 0.5;  // square: high for duty x period
  double mean = 0, amplitude = 0, phase = 0;  // sine: mean + amplitude sin(2 pi t / period + phase)

  double rate_at(double t) const;
  double max_rate() const;
  // From when on the rate stays 0 for good (a step profile whose last step
  // is 0); +infinity when it never does.
  double silent_from() const;
};

class ArrivalSource {
 public:
  virtual ~ArrivalSource() = default;
  // The next request, or nothing when the source is exhausted.
  virtual std::optional<Arrival> next() = 0;
};

// A non-homogeneous Poisson process (thinning at the profile's peak rate).
std::unique_ptr<ArrivalSource> poisson_arrivals(RateProfile profile, TokenDistribution input,
                                                TokenDistribution output, SimTime start,
                                                std::uint64_t seed);

// The trace's requests at start + offset / speedup. rate_scale > 1 sends each
// request floor(scale) times plus once more with probability frac(scale);
// below 1 keeps each with probability scale. loop repeats the trace.
struct TraceReplay {
  std::shared_ptr<const Trace> trace;
  double speedup = 1;
  double rate_scale = 1;
  bool loop = false;
};
std::unique_ptr<ArrivalSource> trace_arrivals(TraceReplay replay, SimTime start,
                                              std::uint64_t seed);

}  // namespace dynop::sim
