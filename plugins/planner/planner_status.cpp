#include "plugins/planner/planner_status.hpp"

#include <boost/json.hpp>

namespace dynop::plugins::planner {

namespace json = boost::json;

boost::json::object planner_status_block(const RoundOutcome& round, const PlannerOptions& options,
                                         std::string_view now, const LastChange* last_change,
                                         const json::object& previous_block) {
  json::object block;
  block["predictor"] = options.predictor_note.empty()
                           ? json::value(options.load_predictor)
                           : json::value(std::string(options.load_predictor) + " (holt-winters)");
  block["noOperation"] = options.no_operation;
  block["lastRoundTime"] = now;
  block["lastRound"] = round.skipped ? "skipped: " + round.skipped_reason : std::string("planned");
  if (!round.skipped) {
    block["observed"] = json::object{{"requestRate", round.observed.request_rate},
                                     {"isl", round.observed.isl},
                                     {"osl", round.observed.osl},
                                     {"ttftSeconds", round.observed.ttft_seconds},
                                     {"itlSeconds", round.observed.itl_seconds}};
    block["prediction"] = json::object{{"requestRate", round.prediction.request_rate},
                                       {"isl", round.prediction.isl},
                                       {"osl", round.prediction.osl}};
    json::object services;
    for (const ServiceDecision& d : round.decisions) {
      services[d.service] = json::object{{"replicas", d.from},
                                         {"desiredReplicas", d.to},
                                         {"enginesNeeded", d.engines_needed},
                                         {"reason", d.reason}};
    }
    block["services"] = std::move(services);
    block["budgetLimited"] = round.budget_limited;
  } else {
    for (std::string_view keep : {"observed", "prediction", "services", "budgetLimited"}) {
      if (const json::value* v = previous_block.if_contains(keep)) block[keep] = *v;
    }
  }
  block["correctionFactors"] =
      json::object{{"prefill", round.factors.prefill}, {"decode", round.factors.decode}};
  if (last_change != nullptr) {
    block["lastChange"] = json::object{{"time", last_change->time},
                                       {"service", last_change->service},
                                       {"from", last_change->from},
                                       {"to", last_change->to},
                                       {"reason", last_change->reason}};
  } else if (const json::value* v = previous_block.if_contains("lastChange")) {
    block["lastChange"] = *v;
  }
  return block;
}

boost::json::object with_planner_status(const json::object& status, const json::object* block,
                                        bool ready, std::string_view reason,
                                        std::string_view message, std::string_view now,
                                        std::int64_t generation) {
  json::object out = status;
  if (block != nullptr) out["planner"] = *block;
  const std::string_view state = ready ? "True" : "False";
  json::array conditions;
  std::string transition(now);
  if (const json::value* c = status.if_contains("conditions"); c != nullptr && c->is_array()) {
    for (const json::value& cond : c->get_array()) {
      const json::object* o = cond.if_object();
      const json::value* type = o != nullptr ? o->if_contains("type") : nullptr;
      if (type != nullptr && type->is_string() && type->get_string() == kPlannerReady) {
        const json::value* s = o->if_contains("status");
        const json::value* t = o->if_contains("lastTransitionTime");
        if (s != nullptr && s->is_string() && s->get_string() == state && t != nullptr &&
            t->is_string()) {
          transition = std::string(t->get_string());
        }
        continue;
      }
      conditions.push_back(cond);
    }
  }
  conditions.push_back(json::object{{"type", kPlannerReady},
                                    {"status", state},
                                    {"reason", reason},
                                    {"message", message},
                                    {"lastTransitionTime", transition},
                                    {"observedGeneration", generation}});
  out["conditions"] = std::move(conditions);
  return out;
}

}  // namespace dynop::plugins::planner
