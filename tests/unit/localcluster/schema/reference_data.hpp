#pragma once
// Test helper: the shared reference material (upstream Dynamo CRDs and
// examples, kube-apiserver traces), read by path at test time and turned into
// JSON with the server's own YAML decoding (apimachinery::yaml_to_json).

#include "tests/support/reference_dir.hpp"
#include "lib/apimachinery/yaml_json.hpp"

#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace dynop::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The manifests used here hold one document each.
inline std::vector<boost::json::value> load_yaml_documents(const std::string& path) {
  auto parsed = apimachinery::yaml_to_json(read_file(path));
  if (!parsed) throw std::runtime_error(path + ": " + parsed.error());
  return {std::move(parsed).value()};
}

inline std::string reference_dir() { return dynop::test::reference_dir(); }

inline std::string upstream_dir() { return reference_dir() + "/upstream-dynamo-0.8"; }

}  // namespace dynop::testing
