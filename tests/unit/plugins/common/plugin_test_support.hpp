#pragma once
// Helpers for the dgd/dgdsa plugin tests: DGDs written as YAML (as users
// write them), the upstream examples read by path, and pods in given states.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "plugins/common/dgd_view.hpp"
#include "plugins/common/dgdsa_view.hpp"
#include "plugins/common/pod_groups.hpp"

namespace dynop::plugins::testing {

// YAML text -> JSON as kubectl sends it (plain scalars typed, quoted ones strings).
boost::json::value yaml_to_json(std::string_view yaml);
// A YAML file -> JSON; nullopt when the file does not exist.
std::optional<boost::json::value> yaml_file_to_json(const std::string& path);

// Path of an upstream Dynamo 0.8 example (test data, never copied into the project).
std::string upstream_example_path(std::string_view file);
// Path of a file in this checkout (DYNOP_SOURCE_DIR, else the compile-time root).
std::string source_path(std::string_view relative);

// Fills what the API server would: namespace (default "default"), uid,
// generation 1, resourceVersion "1", creationTimestamp.
boost::json::object as_stored(boost::json::value object, std::string_view ns = "default");

// A DGD from YAML, as stored.
boost::json::object dgd_from_yaml(std::string_view yaml, std::string_view ns = "default");

// The DGD view of an object built in a test, read from its JSON text as the
// plugins read what the host hands them.
common::DgdParseResult parse_dgd_object(const boost::json::value& dgd,
                                        common::DgdParts parts = common::DgdParts::kAll);
// A DGD from YAML, as stored, read as the plugins read it.
common::DgdParseResult parse_dgd_yaml(std::string_view yaml);
// Its view, for a DGD the test means to be valid: throws with the field
// errors (a test failure naming them) when it is not.
common::DgdView dgd_view(std::string_view yaml);
// The same for an adapter.
common::AdapterParseResult parse_adapter_object(const boost::json::value& adapter);

// Makes a rendered pod look as the kubelet reports it.
void set_pod_state(boost::json::object& pod, std::string_view phase, bool ready,
                   std::string_view created = "2026-01-01T00:00:00Z");

common::ObservedPod pod(std::string name, std::string hash, std::int32_t group,
                        std::int32_t rank = 0, bool ready = true,
                        std::string created = "2026-01-01T00:00:00Z",
                        std::string phase = "Running");

}  // namespace dynop::plugins::testing
