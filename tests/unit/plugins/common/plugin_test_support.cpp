#include "tests/unit/plugins/common/plugin_test_support.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "lib/apimachinery/yaml_json.hpp"
#include "tests/support/reference_dir.hpp"

namespace dynop::plugins::testing {
namespace json = boost::json;

boost::json::value yaml_to_json(std::string_view yaml) {
  auto parsed = apimachinery::yaml_to_json(yaml);
  if (!parsed) throw std::runtime_error("test YAML: " + parsed.error());
  return std::move(parsed).value();
}

std::optional<boost::json::value> yaml_file_to_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return yaml_to_json(ss.str());
}

std::string upstream_example_path(std::string_view file) {
  return dynop::test::reference_dir() + "/upstream-dynamo-0.8/examples/" + std::string(file);
}

std::string source_path(std::string_view relative) {
  const char* root = std::getenv("DYNOP_SOURCE_DIR");
  std::string base = root != nullptr ? root : DYNOP_TEST_SOURCE_DIR;
  return base + "/" + std::string(relative);
}

common::DgdParseResult parse_dgd_object(const boost::json::value& dgd, common::DgdParts parts) {
  auto parsed = common::parse_dgd_json(json::serialize(dgd), parts);
  if (!parsed) throw std::runtime_error("test DGD: " + parsed.error());
  return std::move(parsed).value();
}

common::DgdParseResult parse_dgd_yaml(std::string_view yaml) {
  return parse_dgd_object(json::value(dgd_from_yaml(yaml)));
}

common::DgdView dgd_view(std::string_view yaml) {
  auto parsed = parse_dgd_yaml(yaml);
  if (!parsed.ok()) {
    throw std::runtime_error("test DGD: " + common::format_field_errors(parsed.errors));
  }
  return std::move(parsed.view);
}

common::AdapterParseResult parse_adapter_object(const boost::json::value& adapter) {
  auto parsed = common::parse_adapter_json(json::serialize(adapter));
  if (!parsed) throw std::runtime_error("test adapter: " + parsed.error());
  return std::move(parsed).value();
}

boost::json::object as_stored(boost::json::value object, std::string_view ns) {
  json::object o = object.as_object();
  json::object& meta =
      o["metadata"].is_object() ? o["metadata"].get_object() : o["metadata"].emplace_object();
  if (!meta.contains("namespace")) meta["namespace"] = ns;
  if (!meta.contains("uid")) {
    const json::value* name = meta.if_contains("name");
    meta["uid"] =
        "uid-" + std::string(name != nullptr && name->is_string() ? name->get_string() : "x");
  }
  if (!meta.contains("generation")) meta["generation"] = 1;
  if (!meta.contains("resourceVersion")) meta["resourceVersion"] = "1";
  if (!meta.contains("creationTimestamp")) meta["creationTimestamp"] = "2026-01-01T00:00:00Z";
  return o;
}

boost::json::object dgd_from_yaml(std::string_view yaml, std::string_view ns) {
  return as_stored(yaml_to_json(yaml), ns);
}

void set_pod_state(boost::json::object& pod, std::string_view phase, bool ready,
                   std::string_view created) {
  pod["metadata"].as_object()["creationTimestamp"] = created;
  pod["status"] = json::object{
      {"phase", phase},
      {"conditions",
       json::array{json::object{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}};
}

common::ObservedPod pod(std::string name, std::string hash, std::int32_t group, std::int32_t rank,
                        bool ready, std::string created, std::string phase) {
  common::ObservedPod p;
  p.name = std::move(name);
  p.template_hash = std::move(hash);
  p.group_index = group;
  p.rank = rank;
  p.ready = ready && phase == "Running";
  p.phase = std::move(phase);
  p.creation_timestamp = std::move(created);
  return p;
}

}  // namespace dynop::plugins::testing
