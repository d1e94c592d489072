#pragma once
// Go's fmt rendering of decoded JSON values (encoding/json into interface{}),
// which kube-apiserver messages embed with %v:
//   float64:  strconv.FormatFloat(f, 'g', -1, 64): 80, 0.5, 1e+06, 1e-05
//   map:      map[a:1 b:map[c:x]]   (keys sorted)
//   slice:    [1 two map[k:v]]
//   string bare, bool true/false, null <nil>.
// Also the reflect type names used in "expected a X, but received a Y".

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace dynop::apimachinery {

std::string go_float(double f);
// %v of a value decoded from JSON (numbers are float64 in Go).
std::string go_sprint(const boost::json::value& v);
// reflect.TypeOf(v).String(): "map[string]interface {}", "[]interface {}",
// "string", "float64", "bool", "<nil>".
std::string_view go_type_name(const boost::json::value& v);

// int64(f) as Go compiles it on amd64 (CVTTSD2SI): truncation toward zero,
// and the "integer indefinite" value INT64_MIN for NaN, infinities and
// anything out of range. Kube and its add-ons convert floats this way, so a
// NaN metric famously shows up as -9223372036854775808m.
int64_t go_float64_to_int64(double f);

// (*metav1.LabelSelector).String() (gogo-generated), which messages embed
// with %v or %+v, from a LabelSelector's JSON:
//   &LabelSelector{MatchLabels:map[string]string{a:
//   b,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[x
//   y],},},}
// Labels are sorted by key; null (a nil pointer) is "nil".
std::string go_label_selector_string(const boost::json::value& selector);

}  // namespace dynop::apimachinery
