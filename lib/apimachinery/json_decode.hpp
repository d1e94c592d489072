#pragma once
// Reading JSON text: simdjson parses (several GB/s), and the result is either
// used in place (parse_view: a zero-copy, read-only DOM view, valid until the
// next parse with the same decoder) or converted to a mutable
// boost::json::value (decode) when a document must be kept or edited. Which
// reader is for which job: README.md, "Reading JSON".
//
// Errors say where and what: `invalid JSON at byte 17: syntax error` (the
// byte offset comes from a second, slower pass only on failure).
//
// A JsonDecoder is not thread-safe; use one per thread (decode_json uses a
// thread_local one).

#include <simdjson.h>

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "lib/apimachinery/result.hpp"

namespace dynop::apimachinery {

// Deep copy of a simdjson DOM element into Boost.JSON. Duplicate object keys
// keep the last value, as Go's encoding/json does.
boost::json::value to_boost_json(simdjson::dom::element element);

class JsonDecoder {
 public:
  JsonDecoder() = default;
  JsonDecoder(const JsonDecoder&) = delete;
  JsonDecoder& operator=(const JsonDecoder&) = delete;

  // Parses without copying into Boost.JSON. The element (and string_views
  // read from it) stay valid until the next call on this decoder.
  Result<simdjson::dom::element> parse_view(std::string_view bytes);
  // Zero-copy input: `bytes` must have simdjson::SIMDJSON_PADDING readable
  // bytes after its end (e.g. a buffer allocated with padding).
  Result<simdjson::dom::element> parse_view_padded(simdjson::padded_string_view bytes);

  Result<boost::json::value> decode(std::string_view bytes);

 private:
  simdjson::dom::parser parser_;
};

// decode() with a thread_local decoder.
Result<boost::json::value> decode_json(std::string_view bytes);

// The error text used above, for callers that parse by other means.
std::string describe_json_error(std::string_view bytes, simdjson::error_code simdjson_error);

// A JSON type as a user names it: "object", "array", "string", "number",
// "boolean", "null".
std::string_view json_type_name(simdjson::dom::element_type type);
// "<path>: expected <expected>, got <json type of got>", for readers of typed
// fields ("spec.replicas: expected an integer, got string").
std::string json_type_mismatch(std::string_view path, std::string_view expected,
                               simdjson::dom::element got);

}  // namespace dynop::apimachinery
