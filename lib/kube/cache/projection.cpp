#include "lib/kube/cache/projection.hpp"

#include <functional>

namespace dynop::kube {

Projection::Projection(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) add(path);
  for (const char* always :
       {"metadata.name", "metadata.namespace", "metadata.uid", "metadata.resourceVersion"})
    add(always);
}

void Projection::add(std::string_view path) {
  Node* node = &root_;
  while (!path.empty()) {
    if (node->keep_all) return;  // a shorter path already keeps everything below
    const std::size_t dot = path.find('.');
    const std::string_view part = path.substr(0, dot);
    node = &node->children[std::string(part)];
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  node->keep_all = true;
  node->children.clear();
}

void Projection::merge(const Projection& other) {
  for (const std::string& path : other.paths()) add(path);
}

std::vector<std::string> Projection::paths() const {
  std::vector<std::string> out;
  std::function<void(const Node&, const std::string&)> walk = [&](const Node& node,
                                                                  const std::string& prefix) {
    if (node.keep_all) {
      out.push_back(prefix);
      return;
    }
    for (const auto& [name, child] : node.children)
      walk(child, prefix.empty() ? name : prefix + "." + name);
  };
  walk(root_, "");
  return out;
}

const Projection& Projection::default_pod() {
  static const Projection projection({
      "apiVersion",
      "kind",
      "metadata.generateName",
      "metadata.generation",
      "metadata.creationTimestamp",
      "metadata.deletionTimestamp",
      "metadata.deletionGracePeriodSeconds",
      "metadata.labels",
      "metadata.annotations",
      "metadata.ownerReferences",
      "metadata.finalizers",
      "spec.nodeName",
      "spec.schedulerName",
      "spec.nodeSelector",
      "spec.priority",
      "spec.containers.name",
      "spec.containers.resources",
      "status.phase",
      "status.conditions",
      "status.hostIP",
      "status.podIP",
      "status.nominatedNodeName",
      "status.containerStatuses.name",
      "status.containerStatuses.ready",
      "status.containerStatuses.restartCount",
  });
  return projection;
}

}  // namespace dynop::kube
