#pragma once
// One object as the informer cache keeps it: compact JSON (minified, no
// managedFields, projected when consumers asked for a projection) plus its
// identity, labels and owners, in a single buffer. Labels and owners are read
// while the object is decoded, before any projection drops them, so the
// cache's indexes, label selectors and the controller-owner mapping never
// parse the JSON again. Shared as std::shared_ptr<const CachedObject>:
// readers keep a snapshot as long as they like, an update replaces the
// pointer and never touches an object someone may be reading.

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dynop::kube {

// metadata.labels and metadata.ownerReferences as read by the decoder, packed
// for CachedObject::make. A string longer than 65,535 bytes (no valid object
// has one) is not kept.
class ObjectMetaBuilder {
 public:
  void add_label(std::string_view key, std::string_view value);
  // A label whose key and value stand verbatim in the object's JSON, at these
  // byte offsets: kept as a 13-byte reference instead of a second copy.
  void add_label_in_json(std::size_t key_at, std::size_t key_len, std::size_t value_at,
                         std::size_t value_len);
  void add_owner(std::string_view uid, bool controller, std::string_view api_version,
                 std::string_view kind, std::string_view name);
  void clear() {
    labels_.clear();
    owners_.clear();
  }
  const std::string& labels() const { return labels_; }
  const std::string& owners() const { return owners_; }

 private:
  std::string labels_;  // per label: 0, key, value; or 1, offsets into the JSON
  std::string owners_;  // per owner: controller flag byte, uid[, apiVersion, kind, name]
};

// The ownerReference marked controller: true.
struct OwnerRef {
  std::string_view api_version;
  std::string_view kind;
  std::string_view name;
  std::string_view uid;
};

class CachedObject {
 public:
  // Copies its arguments; `json` must already be compact.
  static std::shared_ptr<const CachedObject> make(std::string_view ns, std::string_view name,
                                                  std::string_view uid,
                                                  std::string_view resource_version,
                                                  std::string_view json,
                                                  const ObjectMetaBuilder& meta = {});

  std::string_view json() const { return view(json_offset(), json_len_); }
  // "namespace/name", or "name" for cluster-scoped objects: the store key.
  std::string_view key() const { return view(0, key_len_); }
  std::string_view ns() const { return view(0, ns_len_); }
  std::string_view name() const {
    return ns_len_ == 0 ? key() : view(ns_len_ + 1, key_len_ - ns_len_ - 1);
  }
  std::string_view uid() const { return view(key_len_, uid_len_); }
  std::string_view resource_version() const { return view(key_len_ + uid_len_, rv_len_); }

  // f(key, value) for every label, in the object's order.
  template <class F>
  void for_each_label(F&& f) const {
    Reader r{view(labels_offset(), labels_len_)};
    while (!r.done()) {
      if (r.byte() == 0) {
        const std::string_view key = r.string();
        f(key, r.string());
      } else {
        const std::uint32_t key_at = r.number<std::uint32_t>();
        const std::uint16_t key_len = r.number<std::uint16_t>();
        const std::uint32_t value_at = r.number<std::uint32_t>();
        const std::uint16_t value_len = r.number<std::uint16_t>();
        f(json().substr(key_at, key_len), json().substr(value_at, value_len));
      }
    }
  }
  std::optional<std::string_view> label(std::string_view key) const;
  // f(uid) for every ownerReference.
  template <class F>
  void for_each_owner_uid(F&& f) const {
    Reader r{view(owners_offset(), owners_len_)};
    while (!r.done()) {
      const bool controller = r.byte() != 0;
      f(r.string());
      if (controller) r.skip_strings(3);
    }
  }
  std::optional<OwnerRef> controller() const;

  // Heap bytes owned by this object (excluding the shared_ptr control block).
  std::size_t memory_bytes() const { return sizeof(*this) + data_.capacity() + 1; }

  // Use make(); public only for std::make_shared.
  struct Private {};
  CachedObject(Private, std::string data, std::uint32_t key_len, std::uint32_t ns_len,
               std::uint32_t uid_len, std::uint32_t rv_len, std::uint32_t json_len,
               std::uint32_t labels_len, std::uint32_t owners_len)
      : data_(std::move(data)),
        key_len_(key_len),
        ns_len_(ns_len),
        uid_len_(uid_len),
        rv_len_(rv_len),
        json_len_(json_len),
        labels_len_(labels_len),
        owners_len_(owners_len) {}

 private:
  // Reads the packed label and owner blocks (ObjectMetaBuilder's format:
  // strings as a 2-byte native-endian length and the bytes, numbers native).
  struct Reader {
    std::string_view in;
    bool done() const { return in.empty(); }
    unsigned char byte() {
      const unsigned char b = static_cast<unsigned char>(in.front());
      in.remove_prefix(1);
      return b;
    }
    template <class T>
    T number() {
      T n;
      std::memcpy(&n, in.data(), sizeof n);
      in.remove_prefix(sizeof n);
      return n;
    }
    std::string_view string() {
      const std::uint16_t len = number<std::uint16_t>();
      const std::string_view s = in.substr(0, len);
      in.remove_prefix(len);
      return s;
    }
    void skip_strings(int n) {
      for (int i = 0; i < n; ++i) string();
    }
  };

  std::string_view view(std::size_t offset, std::size_t len) const {
    return std::string_view(data_).substr(offset, len);
  }
  std::size_t json_offset() const { return key_len_ + uid_len_ + rv_len_; }
  std::size_t labels_offset() const { return json_offset() + json_len_; }
  std::size_t owners_offset() const { return labels_offset() + labels_len_; }

  std::string data_;  // key | uid | resourceVersion | json | labels | owners
  std::uint32_t key_len_;
  std::uint32_t ns_len_;
  std::uint32_t uid_len_;
  std::uint32_t rv_len_;
  std::uint32_t json_len_;
  std::uint32_t labels_len_;
  std::uint32_t owners_len_;
};

using ObjectPtr = std::shared_ptr<const CachedObject>;

}  // namespace dynop::kube
