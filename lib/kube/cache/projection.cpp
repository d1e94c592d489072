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

Projection Projection::metadata_only() { return Projection({"apiVersion", "kind", "metadata"}); }

Projection Projection::of_fields(const std::vector<std::string>& paths) {
  std::vector<std::string> all = {"apiVersion", "kind"};
  all.insert(all.end(), paths.begin(), paths.end());
  return Projection(all);
}

}  // namespace dynop::kube
