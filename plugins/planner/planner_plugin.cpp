#include "plugins/planner/planner_plugin.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>
#include <stdexcept>

#include "lib/apimachinery/json_decode.hpp"
#include "lib/apimachinery/object_meta.hpp"
#include "plugins/common/clock.hpp"
#include "plugins/common/dgdsa_view.hpp"
#include "plugins/planner/frontend_metrics.hpp"
#include "plugins/planner/profile_config_map.hpp"

namespace dynop::plugins::planner {

namespace json = boost::json;

namespace {

const sdk::Gvk kDgdGvk{"nvidia.com", "v1alpha1", "DynamoGraphDeployment"};
const sdk::Gvk kDgdsaGvk{"nvidia.com", "v1alpha1", "DynamoGraphDeploymentScalingAdapter"};
const sdk::Gvk kConfigMapGvk{"", "v1", "ConfigMap"};

std::vector<std::string> option_words(const common::ServiceView& planner) {
  std::vector<std::string> words;
  for (std::string_view key : {"command", "args"}) {
    const json::value* list = planner.main_container.if_contains(key);
    if (list == nullptr || !list->is_array()) continue;
    for (const json::value& w : list->get_array()) {
      words.push_back(w.is_string() ? std::string(w.get_string()) : json::serialize(w));
    }
  }
  return words;
}

std::optional<int> spec_replicas(const std::string& adapter_json) {
  auto adapter = common::parse_adapter_json(adapter_json);
  if (!adapter || !adapter->ok()) return std::nullopt;
  return adapter->view.replicas;
}

}  // namespace

PlannerPlugin::PlannerPlugin(sdk::Host& host, std::string_view config_yaml)
    : Plugin(host),
      rounds_(metrics().counter("dynop_planner_rounds_total",
                                "Planner rounds per graph by outcome (planned, skipped, invalid)")),
      predicted_rate_(metrics().gauge("dynop_planner_predicted_request_rate",
                                      "The planner's predicted requests per second per graph")),
      desired_replicas_(metrics().gauge("dynop_planner_desired_replicas",
                                        "The replicas the planner wants per graph and service")),
      engines_needed_(metrics().gauge("dynop_planner_engines_needed",
                                      "Engines the predicted load needs, before rounding up")),
      correction_factor_(metrics().gauge(
          "dynop_planner_correction_factor",
          "Observed over profiled latency, per graph and phase (prefill: TTFT, decode: ITL)")) {
  const YAML::Node c = YAML::Load(std::string(config_yaml));
  if (c && c.IsMap()) {
    interval_ = std::chrono::seconds(c["intervalSeconds"].as<int>(15));
    time_speedup_ = c["timeSpeedup"].as<double>(1);
  }
  if (interval_.count() < 1) throw std::invalid_argument("planner: intervalSeconds must be >= 1");
  if (!(time_speedup_ > 0)) throw std::invalid_argument("planner: timeSpeedup must be > 0");
}

sdk::AutoscalerSpec PlannerPlugin::autoscaler_spec() { return {interval_}; }

std::vector<sdk::ScaleDecision> PlannerPlugin::evaluate() {
  std::vector<sdk::ScaleDecision> decisions;
  auto list = client().list(kDgdGvk, "", "");
  if (!list.is_ok()) {
    logger().warn("cannot list DynamoGraphDeployments: " + list.status.message());
    return decisions;
  }
  auto doc = apimachinery::decode_json(list.value);
  if (!doc || !doc->is_array()) return decisions;
  const double now_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count() *
      time_speedup_;
  std::set<std::string> planned;
  for (const json::value& item : doc->as_array()) {
    std::string key = plan(json::serialize(item), decisions, now_seconds);
    if (!key.empty()) planned.insert(std::move(key));
  }
  // A graph deleted, or without its planner service now, starts afresh if it comes back.
  std::erase_if(graphs_, [&](const auto& entry) { return planned.count(entry.first) == 0; });
  return decisions;
}

void PlannerPlugin::report_problem(GraphState& state, const common::DgdView& dgd,
                                   std::string_view reason, const std::string& message) {
  rounds_.inc({{"namespace", dgd.k8s_namespace}, {"dgd", dgd.name}, {"outcome", "invalid"}});
  if (state.reported_problem == message) return;
  state.reported_problem = message;
  logger().warn("planner: " + dgd.k8s_namespace + "/" + dgd.name + ": " + message);
  client().record_event(
      {kDgdGvk, dgd.k8s_namespace, dgd.name}, DYNOP_EVENT_WARNING,
      reason == kReasonInvalidProfile ? "PlannerInvalidProfile" : "PlannerInvalidOptions",
      "planner: " + message + "; the graph keeps its current replicas");
}

void PlannerPlugin::write_status(const std::string& dgd_json, const common::DgdView& dgd,
                                 const json::object* block, bool ready, std::string_view reason,
                                 const std::string& message) {
  json::object status = with_planner_status(dgd.status, block, ready, reason, message,
                                            common::rfc3339_now(), dgd.generation);
  if (status == dgd.status) return;
  auto doc = apimachinery::decode_json(dgd_json);
  if (!doc || !doc->is_object()) return;
  json::object updated = std::move(doc->as_object());
  updated["status"] = std::move(status);
  auto r = client().update_status({kDgdGvk, dgd.k8s_namespace, dgd.name}, json::serialize(updated));
  if (!r.is_ok() && r.status.code() != sdk::StatusCode::kConflict &&
      r.status.code() != sdk::StatusCode::kNotFound) {
    logger().warn("planner: writing the status of " + dgd.k8s_namespace + "/" + dgd.name + ": " +
                  r.status.message());
  }
}

void PlannerPlugin::export_metrics(const PlannedGraph& graph, const RoundOutcome& round) {
  const std::string& ns = graph.k8s_namespace;
  const std::string& dgd = graph.dgd;
  rounds_.inc(
      {{"namespace", ns}, {"dgd", dgd}, {"outcome", round.skipped ? "skipped" : "planned"}});
  if (round.skipped) return;
  predicted_rate_.set(round.prediction.request_rate, {{"namespace", ns}, {"dgd", dgd}});
  correction_factor_.set(round.factors.prefill,
                         {{"namespace", ns}, {"dgd", dgd}, {"phase", "prefill"}});
  correction_factor_.set(round.factors.decode,
                         {{"namespace", ns}, {"dgd", dgd}, {"phase", "decode"}});
  for (const ServiceDecision& d : round.decisions) {
    desired_replicas_.set(d.to, {{"namespace", ns}, {"dgd", dgd}, {"service", d.service}});
    engines_needed_.set(d.engines_needed,
                        {{"namespace", ns}, {"dgd", dgd}, {"service", d.service}});
  }
}

std::string PlannerPlugin::plan(const std::string& dgd_json,
                                std::vector<sdk::ScaleDecision>& decisions, double now_seconds) {
  auto parsed = common::parse_dgd_json(dgd_json, common::DgdParts::kAll);
  if (!parsed) return "";
  const common::DgdView& dgd = parsed->view;
  const common::ServiceView* planner_service = find_planner_service(dgd);
  if (planner_service == nullptr || dgd.deleting) return "";
  std::string key = dgd.k8s_namespace + "/" + dgd.name;
  GraphState& state = graphs_[key];

  auto graph = plan_graph(dgd);
  if (!graph) {
    report_problem(state, dgd, kReasonInvalidOptions, graph.error());
    state.planner.reset();
    write_status(dgd_json, dgd, nullptr, false, kReasonInvalidOptions, graph.error());
    return key;
  }
  auto words = option_words(*planner_service);
  if (!state.planner || words != state.option_words) {
    state.planner = std::make_unique<GraphPlanner>(graph->options);
    state.option_words = std::move(words);
  }

  auto config_map = client().get({kConfigMapGvk, dgd.k8s_namespace, graph->profile_config_map});
  if (config_map.status.code() == sdk::StatusCode::kUnavailable) {
    // The host's ConfigMap cache starts with the first read: next round.
    logger().debug("planner: " + key + ": " + config_map.status.message());
    return key;
  }
  if (!config_map.is_ok()) {
    const std::string message = "profile ConfigMap " + dgd.k8s_namespace + "/" +
                                graph->profile_config_map + ": " + config_map.status.message();
    report_problem(state, dgd, kReasonInvalidProfile, message);
    write_status(dgd_json, dgd, nullptr, false, kReasonInvalidProfile, message);
    return key;
  }
  auto cm_doc = apimachinery::decode_json(config_map.value);
  const std::string version(cm_doc && cm_doc->is_object()
                                ? apimachinery::resource_version(cm_doc->as_object())
                                : std::string_view());
  if (!state.model || version != state.profile_version || version.empty()) {
    auto profile = profile_from_config_map(config_map.value);
    if (!profile) {
      state.model.reset();
      report_problem(state, dgd, kReasonInvalidProfile, profile.error());
      write_status(dgd_json, dgd, nullptr, false, kReasonInvalidProfile, profile.error());
      return key;
    }
    state.model = std::make_unique<EngineModel>(*profile);
    state.profile_version = version;
  }
  state.reported_problem.clear();

  CurrentReplicas current;
  auto read_adapter = [&](const std::optional<PlannedService>& s) -> std::optional<int> {
    if (!s) return std::nullopt;
    auto a = client().get({kDgdsaGvk, dgd.k8s_namespace, s->adapter});
    return a.is_ok() ? spec_replicas(a.value) : std::nullopt;
  };
  current.prefill = read_adapter(graph->prefill);
  current.decode = read_adapter(graph->decode);

  MetricsWindow window{graph->dynamo_namespace, graph->options.model_name,
                       static_cast<int>(interval_.count()), time_speedup_};
  const ScalarQuery query =
      [this](const std::string& promql) -> apimachinery::Result<std::optional<double>> {
    auto v = host().prometheus().value(promql);
    if (!v.is_ok()) return apimachinery::Error{v.status.message()};
    return v.value;
  };
  auto observed = read_interval(window, query);
  RoundOutcome round = state.planner->round(now_seconds, *graph, *state.model, observed, current);
  export_metrics(*graph, round);

  const std::string now = common::rfc3339_now();
  const sdk::ObjectRef dgd_ref{kDgdGvk, dgd.k8s_namespace, dgd.name};
  if (!round.skipped) state.reported_skip.clear();
  if (round.skipped && round.skipped_reason != state.reported_skip) {
    state.reported_skip = round.skipped_reason;
    logger().info("planner: " + dgd.k8s_namespace + "/" + dgd.name +
                  ": round skipped: " + round.skipped_reason);
    client().record_event(dgd_ref, DYNOP_EVENT_WARNING, "PlannerRoundSkipped",
                          "planner: round skipped, replicas unchanged: " + round.skipped_reason);
  }
  const LastChange* change = nullptr;
  // Scale-downs first: the host applies decisions in order, and under
  // --max-gpu-budget the GPUs one service gives back are what the other may
  // take; the other order would exceed the budget between the two writes.
  std::vector<const ServiceDecision*> ordered;
  for (const ServiceDecision& d : round.decisions) ordered.push_back(&d);
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const ServiceDecision* d) { return d->to < d->from; });
  for (const ServiceDecision* each : ordered) {
    const ServiceDecision& d = *each;
    if (d.to == d.from) continue;
    const sdk::ObjectRef adapter{kDgdsaGvk, dgd.k8s_namespace, d.adapter};
    if (graph->options.no_operation) {
      client().record_event(adapter, DYNOP_EVENT_NORMAL, "PlannerRecommendation",
                            "planner (--no-operation, not applied): " + std::to_string(d.from) +
                                " -> " + std::to_string(d.to) + ": " + d.reason);
    } else {
      decisions.push_back({adapter, d.to, d.reason});
      state.last_change = LastChange{now, d.service, d.from, d.to, d.reason};
      change = &*state.last_change;
    }
  }
  const json::value* previous = dgd.status.if_contains("planner");
  const json::object empty;
  json::object block = planner_status_block(
      round, graph->options, now, change,
      previous != nullptr && previous->is_object() ? previous->get_object() : empty);
  std::string message =
      round.skipped ? "round skipped: " + round.skipped_reason
                    : std::string("planning every ") + std::to_string(interval_.count()) + "s";
  if (!graph->options.predictor_note.empty()) message += "; " + graph->options.predictor_note;
  write_status(dgd_json, dgd, &block, true, kReasonPlanning, message);
  return key;
}

}  // namespace dynop::plugins::planner
