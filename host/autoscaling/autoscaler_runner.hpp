#pragma once
// Runs one autoscaler plugin (capability DYNOP_CAP_AUTOSCALER): every
// interval, on its own thread, calls evaluate() and applies each decision
// through the target's /scale subresource (ScaleClient, which writes as the
// plugin's configured identity), only when spec.replicas differs. Each
// decision lands in the DecisionLog; each change or failure is an Event on
// the target; everything is counted in /metrics:
//   dynop_autoscaler_evaluations_total{plugin,result}   result: success|error
//   dynop_autoscaler_evaluation_duration_seconds{plugin}
//   dynop_autoscaler_decisions_total{plugin,outcome}    outcome: scaled|unchanged|failed
//   dynop_autoscaler_desired_replicas{plugin,namespace,kind,name}
// The host starts runners only on the leader and stops them before the
// plugins (PluginRuntime::start_controllers / stop_controllers).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "dynop/abi.h"
#include "host/autoscaling/decision_log.hpp"
#include "host/autoscaling/scale_client.hpp"
#include "host/plugins/plugin_hooks.hpp"

namespace dynop::metrics {
class Registry;
}

namespace dynop::host::autoscaling {

// type "Normal" or "Warning".
using EventFn = std::function<void(const ScaleTarget& target, const std::string& type,
                                   const std::string& reason, const std::string& message)>;

struct AutoscalerRunnerOptions {
  std::string plugin;
  std::chrono::milliseconds interval{15000};
  std::string identity;  // for the log; ScaleClient carries it on the wire
};

class AutoscalerRunner {
 public:
  // Everything passed by reference must outlive the runner.
  AutoscalerRunner(AutoscalerRunnerOptions options, const PluginHooks& hooks,
                   dynop_plugin* instance, ScaleClient& scale, DecisionLog& log, EventFn events,
                   metrics::Registry& registry);
  ~AutoscalerRunner();  // stop()

  void start();  // the first evaluation runs at once, then every interval
  void stop();   // waits for an evaluation in flight; idempotent
  // One evaluation and its decisions, on the calling thread (tests, and the
  // runner's thread).
  void run_once();

 private:
  void loop();
  void apply(const ScaleTarget& target, std::int32_t desired, const std::string& reason);

  AutoscalerRunnerOptions options_;
  dynop_autoscaler_hooks hooks_;
  std::uint16_t abi_minor_;
  dynop_plugin* instance_;
  ScaleClient& scale_;
  DecisionLog& log_;
  EventFn events_;
  metrics::Registry& registry_;

  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dynop::host::autoscaling
