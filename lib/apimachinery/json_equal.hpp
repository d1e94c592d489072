#pragma once
// Equality of JSON documents as Go's reflect.DeepEqual sees them after
// encoding/json decoding: every number is a float64 there, so 80, 80.0 and
// 8e1 are equal; object key order does not matter. JSON patch `test`, merge
// keys in strategic merge patch and no-op detection all need this notion.

#include <boost/json/value.hpp>

namespace dynop::apimachinery {

bool json_equal(const boost::json::value& a, const boost::json::value& b);

}  // namespace dynop::apimachinery
