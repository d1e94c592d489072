#pragma once
// The lenient field reads pod_info.cpp and node_info.cpp decode with: a field
// that is absent or of another type reads as not set (the scheduler skips odd
// fields rather than refusing the object; the API server validated it).

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host/scheduler/pod_info.hpp"  // StringPairs

namespace dynop::host::scheduler {

std::optional<simdjson::dom::object> object_at(simdjson::dom::object o, std::string_view key);
std::optional<simdjson::dom::array> array_at(simdjson::dom::object o, std::string_view key);
std::string string_at(simdjson::dom::object o, std::string_view key);
// The string entries of a map (labels, annotations, nodeSelector), sorted.
StringPairs string_map(std::optional<simdjson::dom::object> o);
// A taint effect by its API name (dynop_taint_effect); `otherwise` for "" or
// an unknown one (a toleration's empty effect means every effect, a taint's
// is NoSchedule).
int32_t taint_effect(std::string_view effect, int32_t otherwise);

}  // namespace dynop::host::scheduler
