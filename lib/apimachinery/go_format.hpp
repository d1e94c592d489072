#pragma once
// Go's fmt rendering of decoded JSON values (encoding/json into interface{}),
// which kube-apiserver messages embed with %v:
//   float64:  strconv.FormatFloat(f, 'g', -1, 64): 80, 0.5, 1e+06, 1e-05
//   map:      map[a:1 b:map[c:x]]   (keys sorted)
//   slice:    [1 two map[k:v]]
//   string bare, bool true/false, null <nil>.
// Also the reflect type names used in "expected a X, but received a Y".

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace dynop::apimachinery {

std::string go_float(double f);
// %v of a value decoded from JSON (numbers are float64 in Go).
std::string go_sprint(const boost::json::value& v);
// reflect.TypeOf(v).String(): "map[string]interface {}", "[]interface {}",
// "string", "float64", "bool", "<nil>".
std::string_view go_type_name(const boost::json::value& v);

}  // namespace dynop::apimachinery
