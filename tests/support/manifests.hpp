#pragma once
// Kubernetes manifests as tests read them: the objects of a multi-document
// YAML text or file (packaging/, crds/, a `kubectl kustomize` render), and one
// of them by kind and name.

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace dynop::test {

// The documents of a multi-document YAML text that are objects (maps); empty
// documents and comments between `---` lines are left out.
std::vector<YAML::Node> manifest_objects(const std::string& text);

// manifest_objects() of a file, named relative to the source tree.
std::vector<YAML::Node> manifest_file_objects(const std::string& relative_path);

// The object of that kind and metadata.name; when there is none, a test
// failure naming both and a null node.
YAML::Node find_object(const std::vector<YAML::Node>& objects, const std::string& kind,
                       const std::string& name);

}  // namespace dynop::test
