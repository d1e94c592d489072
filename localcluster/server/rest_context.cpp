#include "localcluster/server/rest_context.hpp"

#include "localcluster/server/object_meta.hpp"
#include "localcluster/server/selectors.hpp"

namespace dynop::localcluster::server::rest {

namespace json = boost::json;

std::optional<ApiError> kind_mismatch(const ResourceType& type, const json::object& body,
                                      std::string_view raw_body, bool require_api_version) {
  std::string kind = string_at(&body, "kind");
  std::string api_version = string_at(&body, "apiVersion");
  if (kind.empty()) {
    return bad_request("Object 'Kind' is missing in '" + std::string(raw_body) + "'");
  }
  if (require_api_version && api_version.empty()) {
    return bad_request("Object 'apiVersion' is missing in '" + std::string(raw_body) + "'");
  }
  if (api_version != type.group_version()) {
    return bad_request("the API version in the data (" + api_version +
                       ") does not match the expected API version (" + type.group_version() + ")");
  }
  if (kind != type.kind) {
    return bad_request("the kind in the data (" + kind + ") does not match the expected kind (" +
                       type.kind + ")");
  }
  return std::nullopt;
}

std::string param_or(const RequestInfo& info, std::string_view key, std::string fallback) {
  const std::string* v = info.param(key);
  return v ? *v : fallback;
}

std::variant<storage::Selection, ApiError> selection_of(const ResourceType& type,
                                                        const RequestInfo& info,
                                                        const std::string& resource) {
  auto predicate =
      make_predicate(type, param_or(info, "labelSelector"), param_or(info, "fieldSelector"));
  if (auto* error = std::get_if<ApiError>(&predicate)) return *error;
  return storage::Selection{resource, info.namespace_name,
                            std::get<storage::AttrsPredicate>(std::move(predicate))};
}

std::optional<std::int64_t> int_param(const RequestInfo& info, std::string_view key) {
  const std::string* v = info.param(key);
  if (!v || v->empty()) return std::nullopt;
  try {
    return std::stoll(*v);
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<std::uint64_t> parse_rv(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

json::object parse_object(const std::string& text) { return json::parse(text).as_object(); }

std::string rv_of(const json::object& object) {
  return string_at(metadata(object), "resourceVersion");
}

std::string served_json(const ResourceType& type, const std::string& stored) {
  if (!type.conversion) return stored;
  return json::serialize(type.conversion->from_storage(parse_object(stored)));
}

json::object served_object(const ResourceType& type, const json::object& stored) {
  return type.conversion ? type.conversion->from_storage(stored) : stored;
}

json::object storage_object(const ResourceType& type, json::object served) {
  return type.conversion ? type.conversion->to_storage(served) : served;
}

}  // namespace dynop::localcluster::server::rest
