#include "localcluster/registry/selectable_fields.hpp"

#include <map>

namespace dynop::localcluster {

const std::vector<std::string>& selectable_fields(std::string_view resource) {
  static const std::vector<std::string> common = {"metadata.name", "metadata.namespace"};
  static const std::map<std::string, std::vector<std::string>, std::less<>> by_resource = {
      {"pods",
       {"metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
        "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
        "status.podIP", "status.nominatedNodeName"}},
      {"events",
       {"metadata.name", "metadata.namespace", "involvedObject.kind", "involvedObject.namespace",
        "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
        "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
        "reportingComponent", "source", "type"}},
      {"nodes", {"metadata.name", "metadata.namespace", "spec.unschedulable"}},
      {"namespaces", {"metadata.name", "metadata.namespace", "status.phase"}},
      {"secrets", {"metadata.name", "metadata.namespace", "type"}},
  };
  auto it = by_resource.find(resource);
  return it == by_resource.end() ? common : it->second;
}

}  // namespace dynop::localcluster
