#pragma once
// Reading a YAML file a user wrote (dynop-sim's node profile and load file),
// with errors that say where and what: "profile.yaml:12:7: pools[1].gpus must
// be a whole number, found \"eight\"". Every read checks the node's type and
// range, so a wrong value never turns into a silent default.
//
//   yaml::Reader reader("profile.yaml");
//   auto root = reader.parse(text);                    // "...:3:1: not valid YAML: ..."
//   if (auto ok = reader.known_keys(*root, "the profile", {"pools", "kubelet"}); !ok) ...
//   auto count = reader.integer(node["count"], "pools[0].count", 0, 100000);
//   auto delay = reader.duration(node["delay"], "kubelet.startup.worker.ready.delay");

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "lib/apimachinery/quantity.hpp"
#include "lib/apimachinery/result.hpp"

namespace dynop::yaml {

class Reader {
 public:
  // `source` names the file in messages.
  explicit Reader(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

  // The document; a syntax error names the line and column.
  apimachinery::Result<YAML::Node> parse(std::string_view text) const;

  // "<source>:<line>:<column>: <what>" (just "<source>: <what>" for a node
  // without a position, such as one that is missing).
  apimachinery::Error at(const YAML::Node& node, const std::string& what) const;

  // `map` is a mapping whose keys are all in `keys`; `where` names it in
  // messages ("pools[0]: unknown field \"gpu\"").
  apimachinery::Result<void> known_keys(const YAML::Node& map, const std::string& where,
                                        std::initializer_list<const char*> keys) const;

  apimachinery::Result<std::string> string(const YAML::Node& node, const std::string& what) const;
  apimachinery::Result<bool> boolean(const YAML::Node& node, const std::string& what) const;
  apimachinery::Result<double> number(const YAML::Node& node, const std::string& what) const;
  apimachinery::Result<double> non_negative(const YAML::Node& node, const std::string& what) const;
  apimachinery::Result<double> positive(const YAML::Node& node, const std::string& what) const;
  // A whole number in [min, max].
  apimachinery::Result<std::int64_t> integer(const YAML::Node& node, const std::string& what,
                                             std::int64_t min, std::int64_t max) const;
  // A Kubernetes quantity ("64", "500m", "512Gi"), not negative.
  apimachinery::Result<apimachinery::Quantity> quantity(const YAML::Node& node,
                                                        const std::string& what) const;
  // Bytes as a quantity ("512Mi").
  apimachinery::Result<double> bytes(const YAML::Node& node, const std::string& what) const;
  // A Go duration ("30s", "1m30s", "500ms"), not negative.
  apimachinery::Result<std::chrono::nanoseconds> duration(const YAML::Node& node,
                                                          const std::string& what) const;

 private:
  std::string source_;
};

}  // namespace dynop::yaml
