#include "localcluster/admission/admission_forbidden.hpp"

#include <string>

#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::admission {

server::ApiError admission_forbidden(const server::AdmissionAttributes& attributes,
                                     const boost::json::object* object, std::string_view why) {
  std::string name = attributes.name;
  if (name.empty()) {
    name = "Unknown";
    if (object) {
      const auto* meta = server::metadata(*object);
      if (std::string generate = server::string_at(meta, "generateName"); !generate.empty()) {
        name = generate;
      }
    }
  }
  return server::forbidden(
      server::ErrorSubject{attributes.type->group, attributes.type->plural, name, ""}, why);
}

}  // namespace dynop::localcluster::admission
