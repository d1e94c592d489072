#pragma once
// Test helper: reads Kubernetes manifests (YAML, possibly several documents)
// into Boost.JSON values, typing plain scalars as YAML 1.2's core schema does
// (kubectl converts YAML to JSON the same way before sending it).

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace dynop::testing {

inline boost::json::value yaml_node_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      boost::json::object o;
      for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_node_to_json(kv.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      boost::json::array a;
      for (const auto& item : n) a.push_back(yaml_node_to_json(item));
      return a;
    }
    case YAML::NodeType::Scalar: {
      const std::string s = n.Scalar();
      if (n.Tag() != "?") return boost::json::value(s);  // quoted or tagged: a string
      static const std::regex kInt(R"(^[-+]?[0-9]+$)");
      static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
      if (s == "null" || s == "~" || s == "Null" || s == "NULL") return nullptr;
      if (std::regex_match(s, kInt)) return std::stoll(s);
      if (std::regex_match(s, kFloat)) return std::stod(s);
      return boost::json::value(s);
    }
    default:
      return nullptr;
  }
}

inline std::vector<boost::json::value> load_yaml_documents(const std::string& path) {
  std::vector<boost::json::value> out;
  for (const auto& doc : YAML::LoadAllFromFile(path)) {
    if (doc.IsNull()) continue;
    out.push_back(yaml_node_to_json(doc));
  }
  return out;
}

inline std::string reference_dir() {
  const char* env = std::getenv("DYNOP_REFERENCE_DIR");
  return env != nullptr ? env : "/work/shared/reference";
}

inline std::string upstream_dir() { return reference_dir() + "/upstream-dynamo-0.8"; }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace dynop::testing
