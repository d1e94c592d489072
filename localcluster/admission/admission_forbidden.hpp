#pragma once
// How a built-in admission plugin refuses a request, as k8s.io/apiserver's
// admission.NewForbidden words it: 403 Forbidden,
//   <resource>[.<group>] "<name>" is forbidden: <why>
// where the name is the request's, else the object's generateName (a create
// before its name is generated), else "Unknown".

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "localcluster/server/hooks.hpp"

namespace dynop::localcluster::admission {

// The name an admission error gives the object (extractResourceName).
std::string admission_object_name(const server::AdmissionAttributes& attributes,
                                  const boost::json::object* object);

server::ApiError admission_forbidden(const server::AdmissionAttributes& attributes,
                                     const boost::json::object* object, std::string_view why);

}  // namespace dynop::localcluster::admission
