#include "host/autoscaling/autoscaler_runner.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <vector>

#include "host/plugins/plugin_abi.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::host::autoscaling {
namespace {

std::string str(dynop_str s) { return s.size ? std::string(s.data, s.size) : std::string(); }

std::string api_version_of(const dynop_gvk& g) {
  return g.group.size ? str(g.group) + "/" + str(g.version) : str(g.version);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string key_of(const ScaleTarget& t) { return t.ns + "/" + t.name; }

}  // namespace

AutoscalerRunner::AutoscalerRunner(AutoscalerRunnerOptions options, const PluginHooks& hooks,
                                   dynop_plugin* instance, ScaleClient& scale, DecisionLog& log,
                                   EventFn events, metrics::Registry& registry)
    : options_(std::move(options)),
      hooks_(hooks.autoscaler),
      abi_minor_(hooks.abi_minor),
      instance_(instance),
      scale_(scale),
      log_(log),
      events_(std::move(events)),
      registry_(registry) {}

AutoscalerRunner::~AutoscalerRunner() { stop(); }

void AutoscalerRunner::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { loop(); });
}

void AutoscalerRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AutoscalerRunner::loop() {
  for (;;) {
    run_once();
    std::unique_lock lock(mutex_);
    if (cv_.wait_for(lock, options_.interval, [&] { return stopping_; })) return;
  }
}

void AutoscalerRunner::run_once() {
  if (hooks_.evaluate == nullptr) return;
  const auto started = std::chrono::steady_clock::now();
  dynop_scale_decision_list list{nullptr, 0};
  dynop_status status{DYNOP_ERROR, {nullptr, 0}};
  std::string failure;
  try {
    status = hooks_.evaluate(instance_, &list);
    if (status.code != DYNOP_OK) failure = str(status.message);
  } catch (const std::exception& e) {
    failure = std::string("threw across the plugin boundary: ") + e.what();
  } catch (...) {
    failure = "threw across the plugin boundary";
  }
  // [plugin-out] memory: copy before anything else calls into the plugin.
  std::vector<dynop_scale_decision> decisions;
  std::string error;
  if (failure.empty() && status.code == DYNOP_OK &&
      !read_plugin_array(abi_minor_, list.decisions, list.count, "its scale decision", decisions,
                         error)) {
    failure = error;
  }
  struct Wanted {
    ScaleTarget target;
    std::int32_t desired;
    std::string reason;
  };
  std::vector<Wanted> wanted;
  for (const dynop_scale_decision& d : decisions) {
    wanted.push_back(Wanted{ScaleTarget{api_version_of(d.target.gvk), str(d.target.gvk.kind),
                                        str(d.target.ns), str(d.target.name)},
                            d.desired_replicas, str(d.reason)});
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  registry_
      .histogram("dynop_autoscaler_evaluation_duration_seconds",
                 "Time autoscaler plugins' evaluate() took.",
                 {0.001, 0.005, 0.025, 0.1, 0.5, 1, 2.5, 10, 30})
      .with({{"plugin", options_.plugin}})
      .Observe(seconds);
  registry_
      .counter("dynop_autoscaler_evaluations_total",
               "Calls of autoscaler plugins' evaluate(), by result (success, error).")
      .with({{"plugin", options_.plugin}, {"result", failure.empty() ? "success" : "error"}})
      .Increment();
  if (!failure.empty()) {
    spdlog::warn("plugin {}: evaluate failed: {}", options_.plugin,
                 failure.empty() ? "status code " + std::to_string(status.code) : failure);
    return;
  }
  for (const Wanted& w : wanted) apply(w.target, w.desired, w.reason);
}

void AutoscalerRunner::apply(const ScaleTarget& target, std::int32_t desired,
                             const std::string& reason) {
  Decision d;
  d.time_ms = now_ms();
  d.writer = "plugin/" + options_.plugin;
  d.identity = options_.identity;
  d.target = target;
  d.to = desired;
  d.reason = reason;
  auto record = [&](DecisionOutcome outcome) {
    d.outcome = outcome;
    registry_
        .counter("dynop_autoscaler_decisions_total",
                 "Scaling decisions of autoscaler plugins, by outcome (scaled, unchanged, "
                 "failed).")
        .with({{"plugin", options_.plugin}, {"outcome", to_string(outcome)}})
        .Increment();
    log_.append(d);
  };
  if (target.kind.empty() || target.name.empty() || target.api_version.empty()) {
    d.error = "the decision names no target kind, version or name";
    spdlog::warn("plugin {}: {}", options_.plugin, d.error);
    return record(DecisionOutcome::kFailed);
  }
  registry_
      .gauge("dynop_autoscaler_desired_replicas",
             "The replicas each autoscaler plugin last asked for, by target.")
      .with({{"plugin", options_.plugin},
             {"namespace", target.ns},
             {"kind", target.kind},
             {"name", target.name}})
      .Set(desired);
  if (desired < 0) {
    d.error = "desired replicas " + std::to_string(desired) + " is negative";
    spdlog::warn("plugin {}: {} {}: {}", options_.plugin, target.kind, key_of(target), d.error);
    return record(DecisionOutcome::kFailed);
  }
  auto current = scale_.get_replicas(target);
  if (!current) {
    d.error = "reading the scale of " + target.kind + " " + key_of(target) + ": " +
              current.error().message;
    spdlog::warn("plugin {}: {}", options_.plugin, d.error);
    return record(DecisionOutcome::kFailed);
  }
  d.from = *current;
  if (*current == desired) return record(DecisionOutcome::kUnchanged);
  auto written = scale_.set_replicas(target, desired);
  const std::string change =
      options_.plugin + ": " + std::to_string(*current) + " -> " + std::to_string(desired);
  if (!written) {
    d.error = written.error().message;
    spdlog::warn("plugin {}: scaling {} {} to {} failed: {}", options_.plugin, target.kind,
                 key_of(target), desired, d.error);
    if (events_) events_(target, "Warning", "FailedRescale", change + " failed: " + d.error);
    return record(DecisionOutcome::kFailed);
  }
  spdlog::info("plugin {}: scaled {} {} from {} to {}: {}", options_.plugin, target.kind,
               key_of(target), *current, desired, reason);
  if (events_) events_(target, "Normal", "ScaledByPlugin", change + ": " + reason);
  record(DecisionOutcome::kScaled);
}

}  // namespace dynop::host::autoscaling
