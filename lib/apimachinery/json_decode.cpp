#include "lib/apimachinery/json_decode.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value_stack.hpp>

namespace dynop::apimachinery {
namespace json = boost::json;

namespace {

// Builds bottom-up on a value_stack, as Boost.JSON's own parser does: each
// object and array is allocated once at its final size.
void push(json::value_stack& st, simdjson::dom::element element) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::OBJECT: {
      simdjson::dom::object obj = element.get_object().value_unsafe();
      size_t n = 0;
      for (auto field : obj) {
        st.push_key(std::string_view(field.key));
        push(st, field.value);
        ++n;
      }
      st.push_object(n);
      return;
    }
    case element_type::ARRAY: {
      simdjson::dom::array arr = element.get_array().value_unsafe();
      size_t n = 0;
      for (auto v : arr) {
        push(st, v);
        ++n;
      }
      st.push_array(n);
      return;
    }
    case element_type::STRING:
      st.push_string(element.get_string().value_unsafe());
      return;
    case element_type::INT64:
      st.push_int64(element.get_int64().value_unsafe());
      return;
    case element_type::UINT64:
      st.push_uint64(element.get_uint64().value_unsafe());
      return;
    case element_type::DOUBLE:
      st.push_double(element.get_double().value_unsafe());
      return;
    case element_type::BOOL:
      st.push_bool(element.get_bool().value_unsafe());
      return;
    case element_type::NULL_VALUE:
      st.push_null();
      return;
  }
}

}  // namespace

json::value to_boost_json(simdjson::dom::element element) {
  thread_local json::value_stack st;
  st.reset();
  push(st, element);
  return st.release();
}

std::string describe_json_error(std::string_view bytes, simdjson::error_code simdjson_error) {
  if (bytes.empty()) return "invalid JSON: empty input";
  json::parse_options opts;
  opts.max_depth = simdjson::DEFAULT_MAX_DEPTH;  // same limit as the parser that failed
  json::stream_parser p(json::storage_ptr(), opts);
  boost::system::error_code ec;
  size_t used = p.write_some(bytes.data(), bytes.size(), ec);
  if (!ec) {
    p.finish(ec);
    if (ec) return "invalid JSON at byte " + std::to_string(bytes.size()) + ": " + ec.message();
  }
  if (ec) return "invalid JSON at byte " + std::to_string(used) + ": " + ec.message();
  return std::string("invalid JSON: ") + simdjson::error_message(simdjson_error);
}

Result<simdjson::dom::element> JsonDecoder::parse_view(std::string_view bytes) {
  auto r = parser_.parse(bytes.data(), bytes.size(), true);
  if (r.error()) return Error{describe_json_error(bytes, r.error())};
  return r.value_unsafe();
}

Result<simdjson::dom::element> JsonDecoder::parse_view_padded(simdjson::padded_string_view bytes) {
  auto r = parser_.parse(bytes.data(), bytes.length(), false);
  if (r.error()) {
    return Error{describe_json_error(std::string_view(bytes.data(), bytes.length()), r.error())};
  }
  return r.value_unsafe();
}

Result<json::value> JsonDecoder::decode(std::string_view bytes) {
  auto e = parse_view(bytes);
  if (!e) return Error{e.error()};
  return to_boost_json(*e);
}

namespace {
JsonDecoder& thread_decoder() {
  thread_local JsonDecoder decoder;
  return decoder;
}
}  // namespace

Result<json::value> decode_json(std::string_view bytes) { return thread_decoder().decode(bytes); }

std::string_view json_type_name(simdjson::dom::element_type type) {
  using simdjson::dom::element_type;
  switch (type) {
    case element_type::OBJECT:
      return "object";
    case element_type::ARRAY:
      return "array";
    case element_type::STRING:
      return "string";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "number";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

std::string json_type_mismatch(std::string_view path, std::string_view expected,
                               simdjson::dom::element got) {
  return std::string(path) + ": expected " + std::string(expected) + ", got " +
         std::string(json_type_name(got.type()));
}

}  // namespace dynop::apimachinery
