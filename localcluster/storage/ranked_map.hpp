#pragma once
// A sorted map that also answers "how many keys sort before this one" in
// O(log n). A paginated list reports remainingItemCount on every page; with
// std::map that meant walking the rest of the list per page, so a 100,000-pod
// sync in pages of 500 stepped through ~10 million cache-missing tree nodes
// (70% of the server's CPU). With ranks a page costs the page plus two lookups.
//
// libstdc++'s policy-based tree (works with GCC and Clang on libstdc++) keeps
// subtree sizes in its nodes; its map API (find, lower_bound, operator[],
// insert, erase, iteration) matches what the store uses of std::map.

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>
#include <functional>
#include <string>

namespace dynop::localcluster::storage {

template <typename Value>
using RankedMap =
    __gnu_pbds::tree<std::string, Value, std::less<std::string>, __gnu_pbds::rb_tree_tag,
                     __gnu_pbds::tree_order_statistics_node_update>;

}  // namespace dynop::localcluster::storage
