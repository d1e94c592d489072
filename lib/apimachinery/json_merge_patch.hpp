#pragma once
// JSON merge patch (RFC 7386, Content-Type application/merge-patch+json):
// objects merge recursively, null deletes a key, anything else (arrays
// included) replaces. This is what kube-apiserver applies for merge patches
// on every resource, custom resources included (e.g. PATCH /scale with
// {"spec":{"replicas":3}}); note that lists are replaced whole, so a merge
// patch of status.conditions drops the conditions it does not list.

#include <boost/json/value.hpp>

namespace dynop::apimachinery {

// Applies `patch` to `target` in place.
void apply_merge_patch(boost::json::value& target, const boost::json::value& patch);
// Returns the patched copy.
boost::json::value merge_patch(const boost::json::value& original, const boost::json::value& patch);
// The merge patch that turns `original` into `modified` (removed keys become
// null, changed arrays and scalars are replaced, objects diffed recursively).
// An empty object when they are equal.
boost::json::value create_merge_patch(const boost::json::value& original,
                                      const boost::json::value& modified);

}  // namespace dynop::apimachinery
