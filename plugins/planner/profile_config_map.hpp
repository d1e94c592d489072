#pragma once
// The engine profile in the planner's ConfigMap. Key layout (README.md):
// the key `profile.json` when there is one, else the only key ending in
// `.json`; its value is a profile in lib/profiling's format (the shared H200
// profile, shared/reference/bench-data/profiles/*.json, loads as is).

#include <string_view>

#include "lib/apimachinery/result.hpp"
#include "lib/profiling/engine_profile.hpp"

namespace dynop::plugins::planner {

inline constexpr std::string_view kProfileKey = "profile.json";

// `config_map_json`: the ConfigMap as the API server returns it. Errors name
// the ConfigMap and key: "configmap default/planner-profile-data key
// profile.json:3:14: prefill.prefill_isl: ...", "configmap default/x has no
// key profile.json and 2 keys ending in .json (a.json, b.json)".
apimachinery::Result<profiling::EngineProfile> profile_from_config_map(
    std::string_view config_map_json);

}  // namespace dynop::plugins::planner
