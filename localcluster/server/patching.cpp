#include "localcluster/server/patching.hpp"

#include <boost/json.hpp>


#include "lib/apimachinery/json_merge_patch.hpp"
#include "lib/apimachinery/json_patch.hpp"
#include "lib/apimachinery/strategic_merge_patch.hpp"
#include "localcluster/server/body_codec.hpp"

namespace dynop::localcluster::server {

std::variant<PatchType, ApiError> patch_type_for(const ResourceType& type,
                                                std::string_view content_type) {
  std::string media = media_type(content_type);
  if (media == "application/merge-patch+json") return PatchType::kMerge;
  if (media == "application/json-patch+json") return PatchType::kJson;
  if (media == "application/apply-patch+yaml") return PatchType::kApply;
  if (media == "application/strategic-merge-patch+json" && !type.is_custom()) {
    return PatchType::kStrategic;
  }
  std::vector<std::string> accepted = {"application/json-patch+json",
                                       "application/merge-patch+json"};
  if (!type.is_custom()) accepted.push_back("application/strategic-merge-patch+json");
  accepted.push_back("application/apply-patch+yaml");
  return unsupported_patch_type(accepted);
}

std::variant<boost::json::value, ApiError> apply_patch(PatchType type,
                                                      const boost::json::value& target,
                                                      std::string_view patch,
                                                      std::string_view kind) {
  auto decoded = decode_body(patch, type == PatchType::kApply ? "application/apply-patch+yaml"
                                                              : "application/json");
  if (auto* error = std::get_if<ApiError>(&decoded)) {
    error->message = "error decoding patch: " + error->message;
    return *error;
  }
  const auto& body = std::get<boost::json::value>(decoded);
  switch (type) {
    case PatchType::kMerge:
    case PatchType::kApply:
      if (!body.is_object()) return bad_request("json: cannot unmarshal into Go value of type map[string]interface {}");
      return apimachinery::merge_patch(target, body);
    case PatchType::kStrategic:
      if (!body.is_object()) return bad_request("json: cannot unmarshal into Go value of type map[string]interface {}");
      {
        auto merged = apimachinery::strategic_merge_patch(target, body, kind);
        if (!merged) return bad_request(merged.error());
        return std::move(merged).value();
      }
    case PatchType::kJson: {
      if (!body.is_array()) {
        return bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
      }
      boost::json::value doc = target;
      auto applied = apimachinery::apply_json_patch(doc, body);
      if (!applied) {
        ApiError e;
        e.code = 422;
        e.reason = "Invalid";
        e.message = applied.error();
        return e;
      }
      return doc;
    }
  }
  return bad_request("unknown patch type");
}

}  // namespace dynop::localcluster::server
