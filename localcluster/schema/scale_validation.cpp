#include "localcluster/schema/scale_validation.hpp"

#include <boost/json.hpp>
#include <climits>
#include <string>

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/go_format.hpp"
#include "lib/apimachinery/go_quote.hpp"
#include "lib/apimachinery/json_path.hpp"

namespace dynop::localcluster::schema {
namespace {

namespace json = boost::json;
using apimachinery::FieldError;
using apimachinery::FieldErrorType;

void check_replicas(const std::string& path, const json::value& object,
                    apimachinery::FieldErrors& errors) {
  if (path.empty()) return;
  const auto* v = apimachinery::get_simple_path(object, path);
  if (v == nullptr) return;
  const std::string trimmed = path[0] == '.' ? path.substr(1) : path;
  if (!v->is_int64() && !v->is_uint64()) {
    const std::string shown = apimachinery::go_sprint(*v);
    errors.push_back({FieldErrorType::kInvalid, path, "0",
                      trimmed + " accessor error: " + shown + " is of the type " +
                          std::string(apimachinery::go_type_name(*v)) + ", expected int64"});
    return;
  }
  const long long n = v->is_int64() ? v->get_int64() : static_cast<long long>(v->get_uint64());
  if (n < 0) {
    errors.push_back(
        {FieldErrorType::kInvalid, path, std::to_string(n), "should be a non-negative integer"});
  } else if (n > INT_MAX) {
    errors.push_back({FieldErrorType::kInvalid, path, std::to_string(n),
                      "should be less than or equal to " + std::to_string(INT_MAX)});
  }
}

}  // namespace

const boost::json::value* find_path(const boost::json::value& object, std::string_view dotted) {
  return apimachinery::get_simple_path(object, dotted);
}

apimachinery::FieldErrors validate_scale_paths(const ScaleSubresource& scale,
                                               const boost::json::value& object) {
  apimachinery::FieldErrors errors;
  check_replicas(scale.spec_replicas_path, object, errors);
  check_replicas(scale.status_replicas_path, object, errors);
  if (!scale.label_selector_path.empty()) {
    const auto* v = apimachinery::get_simple_path(object, scale.label_selector_path);
    if (v != nullptr && !v->is_string()) {
      const std::string& p = scale.label_selector_path;
      const std::string trimmed = p[0] == '.' ? p.substr(1) : p;
      errors.push_back({FieldErrorType::kInvalid, p, "\"\"",
                        trimmed + " accessor error: " + apimachinery::go_sprint(*v) +
                            " is of the type " + std::string(apimachinery::go_type_name(*v)) +
                            ", expected string"});
    }
  }
  return errors;
}

}  // namespace dynop::localcluster::schema
