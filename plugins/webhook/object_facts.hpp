#pragma once
// The few fields of a DGD and of a DGDSA that the admission rules judge,
// read straight from the object's JSON text with simdjson. A review must cost
// microseconds, and building the full typed view (plugins/common/dgd_view.hpp)
// of two multi-kilobyte objects per review would cost more than the whole
// budget. The defaults are the contract's and the same as that view's:
// replicas absent = 1, adapter enabled unless `scalingAdapter.disable: true`
// or `scalingAdapter.enabled: false`, multinode when `multinode` is set.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynop::plugins::webhook {

struct ServiceFacts {
  std::string name;           // key in spec.services, case kept
  std::int64_t replicas = 1;  // absent means 1
  bool replicas_set = false;
  bool adapter_enabled = true;
  bool multinode = false;
  bool has_autoscaling = false;  // the deprecated field is present (and not null)
};

struct DgdFacts {
  std::string name;  // metadata.name
  std::string backend_framework;
  std::vector<ServiceFacts> services;  // in document order

  const ServiceFacts* find_service(std::string_view service) const;
};

struct DgdsaFacts {
  std::string name;  // metadata.name
  std::string dgd_name;
  std::string service_name;
};

template <class Facts>
struct FactsResult {
  std::optional<Facts> facts;
  // e.g. "spec.services[decode].replicas: expected an integer, got string"
  std::string error;
  bool ok() const { return facts.has_value(); }
};

FactsResult<DgdFacts> read_dgd_facts(std::string_view object_json);
FactsResult<DgdsaFacts> read_dgdsa_facts(std::string_view object_json);

// The same from an already parsed object (admission/admission_request_view.hpp).
FactsResult<DgdFacts> read_dgd_facts(simdjson::dom::element object);
FactsResult<DgdsaFacts> read_dgdsa_facts(simdjson::dom::element object);

}  // namespace dynop::plugins::webhook
