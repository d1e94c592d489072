#pragma once
// What a reconciler is asked to look at: one object's namespace and name
// (controller-runtime's reconcile.Request). Requests are keys, never events.

#include <cstddef>
#include <functional>
#include <string>

namespace dynop::controller {

struct Request {
  std::string ns;  // empty for cluster-scoped objects
  std::string name;

  bool operator==(const Request&) const = default;
  // "namespace/name", or "name" when cluster-scoped (client-go's key format).
  std::string key() const { return ns.empty() ? name : ns + "/" + name; }
};

struct RequestHash {
  std::size_t operator()(const Request& request) const {
    std::size_t seed = std::hash<std::string>{}(request.ns);
    return seed ^ (std::hash<std::string>{}(request.name) + 0x9e3779b97f4a7c15ULL + (seed << 6) +
                   (seed >> 2));
  }
};

}  // namespace dynop::controller
