#pragma once
// The one typed, validated view of a DynamoGraphDeploymentScalingAdapter, for
// every plugin that reads adapters (dgdsa, the admission webhook). Like the
// DGD view (dgd_view.hpp) it reads a simdjson DOM and copies out what it
// returns; errors are kube-apiserver's field errors.

#include <simdjson.h>

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/apimachinery/field_error.hpp"
#include "lib/apimachinery/result.hpp"

namespace dynop::plugins::common {

struct AdapterView {
  std::string name;
  std::string k8s_namespace;
  std::string uid;
  bool deleting = false;        // metadata.deletionTimestamp set
  std::int32_t replicas = 0;    // spec.replicas (required)
  std::string dgd_name;         // spec.dgdRef.name (required)
  std::string service;          // spec.dgdRef.serviceName (required), case kept
  std::string controller_kind;  // the controlling ownerReference's kind; "" when none
  std::string controller_name;  // and its name
  boost::json::object status;   // the current status, as read
};

struct AdapterParseResult {
  // Filled as far as the object allowed, even when there are errors.
  AdapterView view;
  apimachinery::FieldErrors errors;
  bool ok() const { return errors.empty(); }
};

// Nothing in the result points into the parser.
AdapterParseResult parse_adapter(simdjson::dom::element adapter);
// The same from JSON text; an error only when the text is not JSON.
apimachinery::Result<AdapterParseResult> parse_adapter_json(std::string_view adapter_json);

}  // namespace dynop::plugins::common
