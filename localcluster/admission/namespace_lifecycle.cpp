#include "localcluster/admission/namespace_lifecycle.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <string_view>

#include "lib/apimachinery/status.hpp"
#include "localcluster/admission/admission_forbidden.hpp"
#include "localcluster/server/deletion.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::admission {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 3> kImmortal = {"default", "kube-system", "kube-public"};

}  // namespace

std::optional<server::ApiError> NamespaceLifecycle::admit(
    const server::AdmissionAttributes& attributes, json::object* object) const {
  const ResourceType& type = *attributes.type;
  if (server::is_namespace(type)) {
    if (attributes.operation == "DELETE" &&
        std::find(kImmortal.begin(), kImmortal.end(), attributes.name) != kImmortal.end()) {
      return server::from_status(apimachinery::forbidden({"", "namespaces"}, attributes.name,
                                                         "this namespace may not be deleted"));
    }
    return std::nullopt;  // every other operation on namespaces passes
  }
  if (attributes.namespace_name.empty() || attributes.operation == "DELETE") return std::nullopt;
  auto found = store_.get("namespaces", "", attributes.namespace_name);
  if (!found.ok()) return server::namespace_not_found(attributes.namespace_name);
  if (attributes.operation != "CREATE") return std::nullopt;
  boost::system::error_code ec;
  json::value ns = json::parse(*found.value().json, ec);
  const json::object* status = nullptr;
  if (!ec && ns.is_object()) {
    if (const auto* s = ns.get_object().if_contains("status"); s && s->is_object()) {
      status = &s->get_object();
    }
  }
  if (server::string_at(status, "phase") != "Terminating") return std::nullopt;
  return server::from_status(apimachinery::namespace_terminating(
      {type.group, type.plural}, admission_object_name(attributes, object),
      attributes.namespace_name));
}

}  // namespace dynop::localcluster::admission
