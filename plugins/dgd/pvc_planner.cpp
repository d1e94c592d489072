#include "plugins/dgd/pvc_planner.hpp"

#include <boost/json/array.hpp>

#include "plugins/common/names.hpp"

namespace dynop::plugins::dgd {

namespace json = boost::json;

json::object build_pvc(const common::DgdView& dgd, const common::PvcView& pvc) {
  json::object spec{
      {"accessModes", json::array{json::value(pvc.access_mode)}},
      {"resources", json::object{{"requests", json::object{{"storage", pvc.size}}}}},
  };
  if (!pvc.storage_class.empty()) spec["storageClassName"] = pvc.storage_class;
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "PersistentVolumeClaim"},
      {"metadata",
       json::object{
           {"name", pvc.name},
           {"namespace", dgd.k8s_namespace},
           {"labels", json::object{{common::kLabelDgdName, common::label_value(dgd.name)}}},
           {"ownerReferences", json::array{common::dgd_controller_reference(dgd.name, dgd.uid)}}}},
      {"spec", std::move(spec)}};
}

std::vector<json::object> plan_pvcs(const common::DgdView& dgd,
                                    const std::function<bool(const std::string&)>& exists) {
  std::vector<json::object> out;
  for (const common::PvcView& pvc : dgd.pvcs) {
    if (pvc.create && !exists(pvc.name)) out.push_back(build_pvc(dgd, pvc));
  }
  return out;
}

}  // namespace dynop::plugins::dgd
