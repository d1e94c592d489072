#include "plugins/gpu-scheduler/taints.hpp"

namespace dynop::plugins::gpu_scheduler {

bool tolerates(const Toleration& t, std::string_view key, std::string_view value,
               sdk::TaintEffect effect) {
  if (t.effect != sdk::TaintEffect::kAll && t.effect != effect) return false;
  if (!t.key.empty() && t.key != key) return false;
  switch (t.op) {
    case sdk::TolerationOperator::kExists:
      return true;
    case sdk::TolerationOperator::kEqual:
      return t.value == value;
  }
  return false;
}

PodTolerations PodTolerations::of(const sdk::PodView& pod) {
  PodTolerations out;
  for (sdk::TolerationView t : pod.tolerations()) {
    out.tolerations_.push_back(
        Toleration{std::string(t.key()), t.op(), std::string(t.value()), t.effect()});
    for (std::string_view part : {t.key(), t.value()}) {
      out.signature_.append(std::to_string(part.size()));
      out.signature_.push_back(':');
      out.signature_.append(part);
    }
    out.signature_.push_back(static_cast<char>('0' + static_cast<int>(t.op())));
    out.signature_.push_back(static_cast<char>('0' + static_cast<int>(t.effect())));
  }
  return out;
}

bool PodTolerations::tolerates(const Taint& taint) const {
  for (const Toleration& t : tolerations_)
    if (gpu_scheduler::tolerates(t, taint.key, taint.value, taint.effect)) return true;
  return false;
}

bool PodTolerations::tolerates_unschedulable() const {
  return tolerates(Taint{std::string(kUnschedulableTaintKey), "", sdk::TaintEffect::kNoSchedule});
}

const Taint* PodTolerations::first_untolerated(const std::vector<Taint>& taints) const {
  for (const Taint& taint : taints) {
    if (taint.effect != sdk::TaintEffect::kNoSchedule &&
        taint.effect != sdk::TaintEffect::kNoExecute)
      continue;
    if (!tolerates(taint)) return &taint;
  }
  return nullptr;
}

}  // namespace dynop::plugins::gpu_scheduler
