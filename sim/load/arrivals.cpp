#include "sim/load/arrivals.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dynop::sim {

std::int32_t TokenDistribution::sample(Rng& rng) const {
  double v = a;
  switch (kind) {
    case Kind::kConstant:
      break;
    case Kind::kUniform:
      v = a + (b - a) * rng.uniform();
      break;
    case Kind::kNormal:
      v = a + b * rng.normal();
      break;
  }
  return static_cast<std::int32_t>(std::max(1.0, std::round(v)));
}

double RateProfile::rate_at(double t) const {
  switch (kind) {
    case Kind::kConstant:
      return rate;
    case Kind::kStep: {
      double r = 0;
      for (const auto& [from, value] : steps) {
        if (t < from) break;
        r = value;
      }
      return r;
    }
    case Kind::kSquare: {
      const double in_period = std::fmod(t, period);
      return in_period < duty * period ? high : low;
    }
    case Kind::kSine:
      return std::max(0.0, mean + amplitude * std::sin(2 * M_PI * t / period + phase));
  }
  return 0;
}

double RateProfile::max_rate() const {
  switch (kind) {
    case Kind::kConstant:
      return rate;
    case Kind::kStep: {
      double m = 0;
      for (const auto& step : steps) m = std::max(m, step.second);
      return m;
    }
    case Kind::kSquare:
      return std::max(low, high);
    case Kind::kSine:
      return std::max(0.0, mean + std::abs(amplitude));
  }
  return 0;
}

double RateProfile::silent_from() const {
  if (kind == Kind::kStep && !steps.empty() && !(steps.back().second > 0)) {
    return steps.back().first;
  }
  return std::numeric_limits<double>::infinity();
}

namespace {

class PoissonArrivals final : public ArrivalSource {
 public:
  PoissonArrivals(RateProfile profile, TokenDistribution input, TokenDistribution output,
                  SimTime start, std::uint64_t seed)
      : profile_(std::move(profile)),
        input_(input),
        output_(output),
        start_(start),
        peak_(profile_.max_rate()),
        silent_from_(profile_.silent_from()),
        rng_(seed) {}

  std::optional<Arrival> next() override {
    if (!(peak_ > 0)) return std::nullopt;
    // Thinning: candidates at the peak rate, each kept with rate(t) / peak.
    // Once the rate is 0 for good no candidate would ever be kept: the
    // source is exhausted (a load step down to 0 ends the load).
    for (;;) {
      t_ += rng_.exponential(peak_);
      if (t_ >= silent_from_) return std::nullopt;
      if (rng_.uniform() * peak_ < profile_.rate_at(t_)) break;
    }
    const std::int32_t in = input_.sample(rng_);
    const std::int32_t out = output_.sample(rng_);
    return Arrival{start_ + sim_seconds(t_), in, out};
  }

 private:
  RateProfile profile_;
  TokenDistribution input_, output_;
  SimTime start_;
  double peak_;
  double silent_from_;
  Rng rng_;
  double t_ = 0;
};

class TraceArrivals final : public ArrivalSource {
 public:
  TraceArrivals(TraceReplay replay, SimTime start, std::uint64_t seed)
      : replay_(std::move(replay)), start_(start), rng_(seed) {
    const auto& records = replay_.trace->records;
    // A looped trace restarts one mean gap after its last request.
    period_ = replay_.trace->duration_seconds();
    if (records.size() > 1) period_ += period_ / static_cast<double>(records.size() - 1);
    if (period_ <= 0) period_ = 1;
  }

  std::optional<Arrival> next() override {
    const auto& records = replay_.trace->records;
    while (copies_left_ == 0) {
      if (index_ == records.size()) {
        if (!replay_.loop) return std::nullopt;
        index_ = 0;
        ++round_;
      }
      current_ = &records[index_++];
      const double scale = replay_.rate_scale;
      copies_left_ = static_cast<int>(std::floor(scale));
      if (rng_.uniform() < scale - std::floor(scale)) ++copies_left_;
    }
    --copies_left_;
    const double offset = (current_->offset_seconds + period_ * round_) / replay_.speedup;
    return Arrival{start_ + sim_seconds(offset), current_->input_tokens, current_->output_tokens};
  }

 private:
  TraceReplay replay_;
  SimTime start_;
  Rng rng_;
  double period_ = 1;
  std::size_t index_ = 0;
  std::int64_t round_ = 0;
  const TraceRecord* current_ = nullptr;
  int copies_left_ = 0;
};

}  // namespace

std::unique_ptr<ArrivalSource> poisson_arrivals(RateProfile profile, TokenDistribution input,
                                                TokenDistribution output, SimTime start,
                                                std::uint64_t seed) {
  return std::make_unique<PoissonArrivals>(std::move(profile), input, output, start, seed);
}

std::unique_ptr<ArrivalSource> trace_arrivals(TraceReplay replay, SimTime start,
                                              std::uint64_t seed) {
  return std::make_unique<TraceArrivals>(std::move(replay), start, seed);
}

}  // namespace dynop::sim
