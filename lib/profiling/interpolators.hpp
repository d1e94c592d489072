#pragma once
// Performance of one engine at a given load, read from its EngineProfile as
// Dynamo's SLA planner reads it (components/planner/utils/perf_interpolation.py):
//
// - Prefill: TTFT and throughput per GPU against input length, a cubic spline
//   (interp1d kind="cubic") with the input length clamped to the measured range.
// - Decode: ITL and throughput per GPU on a 100 x 100 grid over KV use 0..1
//   and context length 0..max measured, looked up at the nearest grid point
//   (upstream's compute_idx); grid points outside the convex hull of the
//   measured points take the nearest measured value (upstream's nearest fill).
//   Inside the hull upstream fills the grid with scipy's Clough-Tocher cubic
//   (griddata method="cubic"); here it is linear along KV use within each
//   measured context length and linear between context lengths, which agrees
//   at every measured point and stays within the measured values between them.

#include <vector>

#include "lib/profiling/cubic_spline.hpp"
#include "lib/profiling/engine_profile.hpp"

namespace dynop::profiling {

class PrefillInterpolator {
 public:
  explicit PrefillInterpolator(const PrefillProfile& profile);

  double ttft_seconds(double isl) const;
  double thpt_per_gpu(double isl) const;  // input tokens/s per GPU

 private:
  double clamp(double isl) const;
  CubicSpline ttft_;
  CubicSpline thpt_;
};

class DecodeInterpolator {
 public:
  explicit DecodeInterpolator(const DecodeProfile& profile, int resolution = 100);

  // At KV use (0..1) and context length.
  double itl_seconds(double kv_usage, double context_length) const;
  double thpt_per_gpu(double kv_usage, double context_length) const;  // output tokens/s per GPU
  // Upstream's interpolate_itl(concurrency, context_length): KV use is
  // concurrency x context / max_kv_tokens.
  double itl_at_concurrency(double concurrency, double context_length) const;

  // Upstream's find_best_throughput_per_gpu: the highest KV use on the grid
  // whose ITL meets `itl_seconds` at this context length (the lowest when
  // none does).
  struct Best {
    double thpt_per_gpu;
    double itl_seconds;
    double kv_usage;
  };
  Best best_throughput_per_gpu(double itl_seconds, double context_length) const;

  double max_kv_tokens() const { return max_kv_tokens_; }
  int resolution() const { return resolution_; }

 private:
  int index_x(double kv_usage) const;
  int index_y(double context_length) const;

  int resolution_;
  double max_kv_tokens_;
  double max_context_;
  std::vector<double> itl_;   // [iy * resolution + ix]
  std::vector<double> thpt_;  // same layout
};

}  // namespace dynop::profiling
