#include "localcluster/admission/admission_forbidden.hpp"

#include "lib/apimachinery/status.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::admission {

std::string admission_object_name(const server::AdmissionAttributes& attributes,
                                  const boost::json::object* object) {
  if (!attributes.name.empty()) return attributes.name;
  if (object) {
    std::string generate = server::string_at(server::metadata(*object), "generateName");
    if (!generate.empty()) return generate;
  }
  return "Unknown";
}

server::ApiError admission_forbidden(const server::AdmissionAttributes& attributes,
                                     const boost::json::object* object, std::string_view why) {
  return server::from_status(
      apimachinery::forbidden({attributes.type->group, attributes.type->plural},
                              admission_object_name(attributes, object), why));
}

}  // namespace dynop::localcluster::admission
