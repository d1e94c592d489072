#pragma once
// Strategic merge patch (Content-Type application/strategic-merge-patch+json)
// for built-in kinds, a port of k8s.io/apimachinery/pkg/util/strategicpatch's
// merge as kube-apiserver runs it (MergeParallelList and IgnoreUnmatchedNulls
// on), driven by the PatchMetaRegistry table:
//  - objects merge key by key; null deletes a key;
//  - lists with a merge key (containers by name, env by name, ports by
//    containerPort, volumeMounts by mountPath, volumes by name,
//    status.conditions by type, ownerReferences by uid, ...) merge element by
//    element; merged primitive lists (finalizers) are unions; other lists are
//    replaced;
//  - directives: `$patch: replace|delete` in an object, `{"<key>": v,
//    "$patch": "delete"}` and `{"$patch": "replace"}` in a list,
//    `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` and
//    `$retainKeys`.
// Order of merged lists follows kube: elements named by the patch (or by
// $setElementOrder) come in that order, and the server-only elements keep
// their relative order, interleaved where the live object placed them; a new
// condition thus lands before existing ones unless an order is given.
//
// Differences a client could notice: none for well-formed patches; for
// malformed ones the error texts are kube's where it has one (e.g.
// `map: {...} does not contain declared merge key: name`, with the map
// printed as JSON instead of Go's map syntax). $setElementOrder lists are not
// cross-checked against the patch list (kube rejects some inconsistent ones).

#include <boost/json/value.hpp>
#include <string_view>

#include "lib/apimachinery/patch_meta.hpp"
#include "lib/apimachinery/result.hpp"

namespace dynop::apimachinery {

// Applies `patch` to `original` (both JSON objects) for `kind` ("Pod",
// "Node", "Deployment", ...). Fails for kinds the registry does not know:
// the server must answer those with 415 as kube does for custom resources.
Result<boost::json::value> strategic_merge_patch(
    const boost::json::value& original, const boost::json::value& patch, std::string_view kind,
    const PatchMetaRegistry& registry = PatchMetaRegistry::builtin());

// The same from an explicit root type of the registry ("" = no metadata:
// objects merge, lists are replaced). Used for sub-documents and tests.
Result<boost::json::value> strategic_merge_patch_for_type(
    const boost::json::value& original, const boost::json::value& patch, std::string_view root_type,
    const PatchMetaRegistry& registry = PatchMetaRegistry::builtin());

}  // namespace dynop::apimachinery
