#pragma once
// JSON patch (RFC 6902, Content-Type application/json-patch+json) with JSON
// Pointer (RFC 6901) paths: add, remove, replace, move, copy, test.
//
// kube-apiserver applies these with evanphx/json-patch, and the error texts
// below follow that library, e.g.
//   replace operation does not apply: doc is missing key: /spec/x: missing value
//   testing value /spec/replicas failed: test failed
//   Unexpected kind: frobnicate
// The server does not show those to clients: a failed application is a 422
// with the generic text (status.hpp: json_patch_failed). A patch that does
// not decode is a 400 with the decode error; more than 10000 operations is a
// 413 ("The allowed maximum operations in a JSON patch is 10000, got N").
// Applying is all or nothing: on error the document is left unchanged.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/result.hpp"

namespace dynop::apimachinery {

inline constexpr size_t kMaxJsonPatchOperations = 10000;

// "~" -> "~0", "/" -> "~1" (a key such as "app.kubernetes.io/name").
std::string json_pointer_escape(std::string_view token);
// Splits "/a/b~1c" into {"a", "b/c"}; "" is the whole document. Errors for
// a pointer that does not start with '/' or has a bad escape.
Result<std::vector<std::string>> parse_json_pointer(std::string_view pointer);
// The value a pointer designates, or nullptr.
const boost::json::value* resolve_json_pointer(const boost::json::value& doc,
                                               std::string_view pointer);

// Checks the patch is an array of operation objects with string "op"/"path"
// (and "from"/"value" where needed), at most kMaxJsonPatchOperations.
Result<void> validate_json_patch(const boost::json::value& patch);
// Applies `patch` (a JSON array of operations) to `doc` in place.
Result<void> apply_json_patch(boost::json::value& doc, const boost::json::value& patch);

}  // namespace dynop::apimachinery
