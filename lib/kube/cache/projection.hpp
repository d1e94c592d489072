#pragma once
// Which fields of an object the cache keeps. A projection is a set of dotted
// paths ("metadata.labels", "spec.containers.resources"); a path keeps the
// whole value it names, and a path through an array applies to every element.
// metadata.name, namespace, uid and resourceVersion are always kept, and
// metadata.managedFields never is (whatever the projection).

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dynop::kube {

class Projection {
 public:
  struct Node {
    bool keep_all = false;  // the path ends here: keep the whole value
    std::map<std::string, Node, std::less<>> children;
    const Node* find(std::string_view name) const {
      auto it = children.find(name);
      return it == children.end() ? nullptr : &it->second;
    }
  };

  explicit Projection(const std::vector<std::string>& paths);
  // Adds the paths of `other` (consumers sharing one informer get the union).
  void merge(const Projection& other);
  const Node& root() const { return root_; }
  std::vector<std::string> paths() const;

  // apiVersion, kind and metadata (controller-runtime's metadata-only
  // watches).
  static Projection metadata_only();
  // apiVersion, kind and `paths` (besides the identity every projection keeps).
  static Projection of_fields(const std::vector<std::string>& paths);

 private:
  void add(std::string_view path);
  Node root_;
};

}  // namespace dynop::kube
