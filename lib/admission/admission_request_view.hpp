#pragma once
// Decoding an AdmissionReview request without copying its objects: one
// simdjson DOM parse validates the whole body and the admitted objects are
// handed out as DOM elements. This is the webhook's hot path: a rule reads a
// few fields of two multi-kilobyte objects per review, and copying them out
// as text only to parse them again would cost more than the rest of the
// review.

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "lib/admission/admission_request.hpp"
#include "lib/apimachinery/json_decode.hpp"

namespace dynop::admission {

struct RequestView {
  // Every field but object, old_object and options, which stay empty.
  AdmissionRequest request;
  // Absent when the field is missing or null. They point into the decoder's
  // document: valid until that decoder parses again.
  std::optional<simdjson::dom::element> object;
  std::optional<simdjson::dom::element> old_object;
  std::optional<simdjson::dom::element> options;
};

// Decodes `body` (a whole AdmissionReview, or with `bare` just its `request`
// object) with `decoder`. Returns the error, worded as decode_request's, or ""
// on success; `out.request.uid` is set as soon as it was read, also on failure.
std::string decode_request_view(std::string_view body, bool bare,
                                apimachinery::JsonDecoder& decoder, RequestView& out);

}  // namespace dynop::admission
