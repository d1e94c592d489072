#include "tests/support/manifests.hpp"

#include <gtest/gtest.h>

#include "tests/support/paths.hpp"

namespace dynop::test {
namespace {

std::vector<YAML::Node> objects_of(const std::vector<YAML::Node>& documents) {
  std::vector<YAML::Node> out;
  for (const YAML::Node& doc : documents)
    if (doc && doc.IsMap()) out.push_back(doc);
  return out;
}

}  // namespace

std::vector<YAML::Node> manifest_objects(const std::string& text) {
  return objects_of(YAML::LoadAll(text));
}

std::vector<YAML::Node> manifest_file_objects(const std::string& relative_path) {
  return objects_of(YAML::LoadAllFromFile(source_path(relative_path)));
}

YAML::Node find_object(const std::vector<YAML::Node>& objects, const std::string& kind,
                       const std::string& name) {
  for (const YAML::Node& object : objects)
    if (object["kind"].as<std::string>() == kind &&
        object["metadata"]["name"].as<std::string>() == name)
      return object;
  ADD_FAILURE() << "no " << kind << " " << name << " among the manifests' objects";
  return YAML::Node();
}

}  // namespace dynop::test
