#pragma once
// What dynop-localcluster is told to break, and how: the settings behind the
// --fault-* flags and the /admin/faults document. Reading either form checks
// every value and names the field (or flag) that is wrong, so a test that
// mistypes a setting finds out at once instead of testing nothing.
//
//   {"writeErrorRate":0.5,"writeErrorCode":409,"retryAfterSeconds":1,
//    "latencyMs":0,"resources":["configmaps"],"names":[]}
//
// "resources" entries are plural names ("pods": every write to pods and
// their subresources) or "<plural>/<subresource>" ("pods/binding": only
// that subresource); "names" narrows write faults to objects of those names.

#include <boost/json/object.hpp>
#include <boost/program_options/options_description.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/result.hpp"

namespace dynop::localcluster::faults {

struct FaultConfig {
  double write_error_rate = 0;         // 0..1 of the writes that fail
  int write_error_code = 500;          // 409, 429 or 500
  int retry_after_seconds = 1;         // 429's Retry-After
  int latency_ms = 0;                  // before every API response
  std::vector<std::string> resources;  // plural names write faults apply to; empty: all
  std::vector<std::string> names;      // object names write faults apply to; empty: all

  // Whether write faults apply to a write of `resource` (a plural name),
  // optionally of one `subresource`, to the object `name`.
  bool applies_to(std::string_view resource, std::string_view subresource = {},
                  std::string_view name = {}) const;
  bool operator==(const FaultConfig&) const = default;
};

// The /admin/faults document (without counters).
boost::json::object to_json(const FaultConfig& config);

// Applies a PUT /admin/faults body to `config`: every field optional, an
// unknown field, a wrong type or a value out of range is an error naming the
// field (`writeErrorRate: Invalid value: 2: must be between 0 and 1`), and
// then nothing is applied. "injectedFailures" is accepted and ignored, so a
// document read with GET can be sent back.
apimachinery::Result<FaultConfig> apply_json(FaultConfig config, std::string_view body);

// Applies one fault flag and its value; the error names the flag.
apimachinery::Result<void> apply_flag(FaultConfig& config, std::string_view flag,
                                      std::string_view value);

// The --fault-* flags, for the local cluster's command line: each given one
// is applied to `config` (which must outlive the parse) with apply_flag; a
// bad value fails the parse with apply_flag's message.
boost::program_options::options_description fault_flags(FaultConfig& config);

}  // namespace dynop::localcluster::faults
