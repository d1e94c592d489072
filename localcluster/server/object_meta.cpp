#include "localcluster/server/object_meta.hpp"

#include <openssl/rand.h>

#include <boost/json.hpp>

#include <array>
#include <cstdio>
#include <set>

namespace dynop::localcluster::server {

std::string new_uid() {
  std::array<unsigned char, 16> b{};
  RAND_bytes(b.data(), static_cast<int>(b.size()));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

std::string random_name_suffix() {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::array<unsigned char, 5> b{};
  RAND_bytes(b.data(), static_cast<int>(b.size()));
  std::string out;
  for (unsigned char c : b) out += kAlphabet[c % (sizeof kAlphabet - 1)];
  return out;
}

bool tracks_generation(const ResourceType& type) {
  static const std::set<std::string> kinds = {
      "customresourcedefinitions", "validatingwebhookconfigurations",
      "mutatingwebhookconfigurations", "deployments", "statefulsets", "replicasets",
      "daemonsets", "jobs", "cronjobs", "poddisruptionbudgets", "ingresses", "networkpolicies"};
  return type.is_custom() || kinds.count(type.plural) > 0;
}

bool spec_changed(const ResourceType& type, const boost::json::object& before,
                  const boost::json::object& after) {
  auto skip = [&](std::string_view key) {
    return key == "metadata" || (type.has_status_subresource && key == "status");
  };
  std::size_t counted_before = 0;
  for (const auto& kv : before) {
    if (skip(kv.key())) continue;
    ++counted_before;
    const auto* other = after.if_contains(kv.key());
    if (!other || *other != kv.value()) return true;
  }
  std::size_t counted_after = 0;
  for (const auto& kv : after) {
    if (!skip(kv.key())) ++counted_after;
  }
  return counted_before != counted_after;
}

boost::json::object& metadata(boost::json::object& object) {
  auto& meta = object["metadata"];
  if (!meta.is_object()) meta = boost::json::object();
  return meta.get_object();
}

const boost::json::object* metadata(const boost::json::object& object) {
  const auto* meta = object.if_contains("metadata");
  return meta && meta->is_object() ? &meta->get_object() : nullptr;
}

std::string string_at(const boost::json::object* object, std::string_view key) {
  if (!object) return {};
  const auto* v = object->if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace dynop::localcluster::server
