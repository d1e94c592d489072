#pragma once
// The claims of spec.pvcs that the dgd plugin creates: those with
// `create: true` for which no claim of that name exists in the DGD's
// namespace. A created claim is owned by the DGD (it goes when the DGD is
// deleted); a claim that exists already, whoever made it, is never replaced,
// changed or deleted, and a claim left out of spec.pvcs later is kept, with
// its data, until the DGD goes.

#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <vector>

#include "plugins/common/dgd_view.hpp"

namespace dynop::plugins::dgd {

// The PersistentVolumeClaim for one `create: true` entry: size as the storage
// request, storageClass as storageClassName, volumeAccessMode as its one
// access mode, the DGD's name label and a controller ownerReference.
boost::json::object build_pvc(const common::DgdView& dgd, const common::PvcView& pvc);

// `exists(name)`: whether a claim of that name exists in the DGD's namespace.
std::vector<boost::json::object> plan_pvcs(const common::DgdView& dgd,
                                           const std::function<bool(const std::string&)>& exists);

}  // namespace dynop::plugins::dgd
