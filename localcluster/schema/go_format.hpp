#pragma once
// Renders values the way Go's fmt package does in kube-apiserver messages
// (%v for float64, which lib/apimachinery does not cover), so error texts
// match byte for byte. Strings are quoted with apimachinery::go_quote.

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "lib/apimachinery/go_quote.hpp"

namespace dynop::localcluster::schema {

using apimachinery::go_quote;

// Go's %v for a float64 (strconv.FormatFloat(f, 'g', -1, 64)): 0.5, 1e+06.
std::string go_float(double f);

// A JSON scalar as field.Error prints a bad value: integers plainly, floats
// like %v, strings quoted, booleans as true/false, null as "null"; objects
// and arrays as compact JSON (kube would print a Go struct dump there).
std::string go_value(const boost::json::value& v);

}  // namespace dynop::localcluster::schema
