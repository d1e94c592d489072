#include "host/scheduler/dom_fields.hpp"

#include <algorithm>

#include "dynop/abi.h"

namespace dynop::host::scheduler {

namespace dom = simdjson::dom;

std::optional<dom::object> object_at(dom::object o, std::string_view key) {
  dom::object out;
  if (o[key].get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

std::optional<dom::array> array_at(dom::object o, std::string_view key) {
  dom::array out;
  if (o[key].get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

std::string string_at(dom::object o, std::string_view key) {
  std::string_view out;
  if (o[key].get(out) != simdjson::SUCCESS) return {};
  return std::string(out);
}

StringPairs string_map(std::optional<dom::object> o) {
  StringPairs out;
  if (!o) return out;
  for (auto field : *o) {
    std::string_view v;
    if (field.value.get(v) == simdjson::SUCCESS) out.emplace_back(std::string(field.key), v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int32_t taint_effect(std::string_view effect, int32_t otherwise) {
  if (effect == "NoSchedule") return DYNOP_TAINT_NO_SCHEDULE;
  if (effect == "PreferNoSchedule") return DYNOP_TAINT_PREFER_NO_SCHEDULE;
  if (effect == "NoExecute") return DYNOP_TAINT_NO_EXECUTE;
  return otherwise;
}

}  // namespace dynop::host::scheduler
