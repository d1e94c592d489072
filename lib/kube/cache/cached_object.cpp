#include "lib/kube/cache/cached_object.hpp"

#include <limits>

namespace dynop::kube {
namespace {

constexpr std::size_t kMaxPacked = std::numeric_limits<std::uint16_t>::max();

template <class T>
void pack_number(std::string& out, T n) {
  char bytes[sizeof n];
  std::memcpy(bytes, &n, sizeof n);
  out.append(bytes, sizeof n);
}

void pack(std::string& out, std::string_view s) {
  pack_number(out, static_cast<std::uint16_t>(s.size()));
  out.append(s);
}

}  // namespace

void ObjectMetaBuilder::add_label(std::string_view key, std::string_view value) {
  if (key.size() > kMaxPacked || value.size() > kMaxPacked) return;
  labels_.push_back(0);
  pack(labels_, key);
  pack(labels_, value);
}

void ObjectMetaBuilder::add_label_in_json(std::size_t key_at, std::size_t key_len,
                                          std::size_t value_at, std::size_t value_len) {
  constexpr std::size_t kMaxOffset = std::numeric_limits<std::uint32_t>::max();
  if (key_len > kMaxPacked || value_len > kMaxPacked || key_at > kMaxOffset ||
      value_at > kMaxOffset) {
    return;
  }
  labels_.push_back(1);
  pack_number(labels_, static_cast<std::uint32_t>(key_at));
  pack_number(labels_, static_cast<std::uint16_t>(key_len));
  pack_number(labels_, static_cast<std::uint32_t>(value_at));
  pack_number(labels_, static_cast<std::uint16_t>(value_len));
}

void ObjectMetaBuilder::add_owner(std::string_view uid, bool controller,
                                  std::string_view api_version, std::string_view kind,
                                  std::string_view name) {
  if (uid.size() > kMaxPacked || api_version.size() > kMaxPacked || kind.size() > kMaxPacked ||
      name.size() > kMaxPacked) {
    return;
  }
  owners_.push_back(controller ? 1 : 0);
  pack(owners_, uid);
  if (!controller) return;
  pack(owners_, api_version);
  pack(owners_, kind);
  pack(owners_, name);
}

std::shared_ptr<const CachedObject> CachedObject::make(std::string_view ns, std::string_view name,
                                                       std::string_view uid,
                                                       std::string_view resource_version,
                                                       std::string_view json,
                                                       const ObjectMetaBuilder& meta) {
  const std::size_t key_len = ns.empty() ? name.size() : ns.size() + 1 + name.size();
  std::string data;
  // One exact allocation: this is most of the cache's memory.
  data.reserve(key_len + uid.size() + resource_version.size() + json.size() + meta.labels().size() +
               meta.owners().size());
  if (!ns.empty()) {
    data.append(ns);
    data.push_back('/');
  }
  data.append(name);
  data.append(uid);
  data.append(resource_version);
  data.append(json);
  data.append(meta.labels());
  data.append(meta.owners());
  return std::make_shared<const CachedObject>(
      Private{}, std::move(data), static_cast<std::uint32_t>(key_len),
      static_cast<std::uint32_t>(ns.size()), static_cast<std::uint32_t>(uid.size()),
      static_cast<std::uint32_t>(resource_version.size()), static_cast<std::uint32_t>(json.size()),
      static_cast<std::uint32_t>(meta.labels().size()),
      static_cast<std::uint32_t>(meta.owners().size()));
}

std::optional<std::string_view> CachedObject::label(std::string_view key) const {
  std::optional<std::string_view> found;
  for_each_label([&](std::string_view k, std::string_view v) {
    if (!found && k == key) found = v;
  });
  return found;
}

std::optional<OwnerRef> CachedObject::controller() const {
  Reader r{view(owners_offset(), owners_len_)};
  while (!r.done()) {
    const bool controller = r.byte() != 0;
    const std::string_view uid = r.string();
    if (!controller) continue;
    OwnerRef ref;
    ref.uid = uid;
    ref.api_version = r.string();
    ref.kind = r.string();
    ref.name = r.string();
    return ref;
  }
  return std::nullopt;
}

}  // namespace dynop::kube
