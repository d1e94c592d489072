#pragma once
// Strategic-merge of a user's extraPodSpec / mainContainer into the pod dynop
// builds: objects merge key by key, a null deletes, lists of named things
// (containers, env, volumes, ...) merge item by item on their merge key, other
// lists are replaced, as `kubectl patch --type=strategic` does for core/v1.
//
// TODO(apimachinery): lib/apimachinery/strategic_merge_patch.hpp is being
// written; once it lands with core/v1 merge keys, use it here and drop this file.

#include <boost/json/object.hpp>
#include <string_view>

namespace dynop::plugins::dgd {

// The merge key of a core/v1 list field by its name, or "" to replace the list.
std::string_view merge_key_for(std::string_view list_field);

// Merges `patch` into `target` in place.
void strategic_merge(boost::json::object& target, const boost::json::object& patch);

}  // namespace dynop::plugins::dgd
