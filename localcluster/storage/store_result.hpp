#pragma once
// Outcome of a storage call. Storage knows nothing about HTTP; the server
// maps each code to kube-apiserver's Status (404 NotFound, 409 AlreadyExists
// or Conflict, 410 Expired, 500).

#include <optional>
#include <string>
#include <utility>

namespace dynop::localcluster::storage {

enum class StoreErrorCode { kNotFound, kAlreadyExists, kConflict, kGone, kInvalid, kInternal };

struct StoreError {
  StoreErrorCode code = StoreErrorCode::kInternal;
  std::string message;
  // Set by mutators that want the server to answer with a ready-made kube
  // Status body (JSON) instead of one derived from `code`.
  std::string status_json;
  int http_code = 0;
};

template <typename T>
class StoreResult {
 public:
  StoreResult(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  StoreResult(StoreError error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  const StoreError& error() const { return error_; }

 private:
  std::optional<T> value_;
  StoreError error_;
};

}  // namespace dynop::localcluster::storage
