#pragma once
// One object as the informer cache keeps it: compact JSON (minified, no
// managedFields, projected when the kind has a projection) plus its identity,
// in a single buffer. Shared as std::shared_ptr<const CachedObject>: readers
// keep a snapshot as long as they like, an update replaces the pointer and
// never touches an object someone may be reading.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace dynop::kube {

class CachedObject {
 public:
  // Copies its arguments; `json` must already be compact.
  static std::shared_ptr<const CachedObject> make(std::string_view ns, std::string_view name,
                                                  std::string_view uid,
                                                  std::string_view resource_version,
                                                  std::string_view json);

  std::string_view json() const { return view(json_offset(), json_len_); }
  // "namespace/name", or "name" for cluster-scoped objects: the store key.
  std::string_view key() const { return view(0, key_len_); }
  std::string_view ns() const { return view(0, ns_len_); }
  std::string_view name() const {
    return ns_len_ == 0 ? key() : view(ns_len_ + 1, key_len_ - ns_len_ - 1);
  }
  std::string_view uid() const { return view(key_len_, uid_len_); }
  std::string_view resource_version() const { return view(key_len_ + uid_len_, rv_len_); }

  // Heap bytes owned by this object (excluding the shared_ptr control block).
  std::size_t memory_bytes() const { return sizeof(*this) + data_.capacity() + 1; }

  // Use make(); public only for std::make_shared.
  struct Private {};
  CachedObject(Private, std::string data, std::uint32_t key_len, std::uint32_t ns_len,
               std::uint32_t uid_len, std::uint32_t rv_len, std::uint32_t json_len)
      : data_(std::move(data)),
        key_len_(key_len),
        ns_len_(ns_len),
        uid_len_(uid_len),
        rv_len_(rv_len),
        json_len_(json_len) {}

 private:
  std::string_view view(std::size_t offset, std::size_t len) const {
    return std::string_view(data_).substr(offset, len);
  }
  std::size_t json_offset() const { return key_len_ + uid_len_ + rv_len_; }

  std::string data_;  // key | uid | resourceVersion | json
  std::uint32_t key_len_;
  std::uint32_t ns_len_;
  std::uint32_t uid_len_;
  std::uint32_t rv_len_;
  std::uint32_t json_len_;
};

using ObjectPtr = std::shared_ptr<const CachedObject>;

}  // namespace dynop::kube
