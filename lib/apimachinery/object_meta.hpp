#pragma once
// Accessors and small mutators for an object's `metadata` (and its
// apiVersion/kind) on a boost::json::object, so code across the host, the
// local cluster and the simulation reads objects the same way. Readers never
// throw: a missing or mistyped field reads as empty/nullopt/nullptr.
// Returned string_views and pointers borrow from the object.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/result.hpp"

namespace dynop::apimachinery {

// schema.GroupVersion / GroupVersionKind.
struct GroupVersion {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  // "v1" for the core group, "apps/v1" otherwise.
  std::string to_string() const;
  friend bool operator==(const GroupVersion&, const GroupVersion&) = default;
};
struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;
  std::string api_version() const { return GroupVersion{group, version}.to_string(); }
  friend bool operator==(const GroupVersionKind&, const GroupVersionKind&) = default;
};

// schema.ParseGroupVersion: "" -> {}, "v1" -> {"", "v1"}, "apps/v1" ->
// {"apps", "v1"}; more than one '/' fails with
// `unexpected GroupVersion string: a/b/c`.
Result<GroupVersion> parse_group_version(std::string_view api_version);
// From the object's apiVersion and kind.
Result<GroupVersionKind> group_version_kind(const boost::json::object& obj);

// --- readers ---
const boost::json::object* metadata(const boost::json::object& obj);
std::string_view name(const boost::json::object& obj);
std::string_view namespace_of(const boost::json::object& obj);
std::string_view generate_name(const boost::json::object& obj);
std::string_view uid(const boost::json::object& obj);
std::string_view resource_version(const boost::json::object& obj);
std::optional<int64_t> generation(const boost::json::object& obj);
std::string_view creation_timestamp(const boost::json::object& obj);
// Set once deletion has been requested (the object is terminating).
std::optional<std::string_view> deletion_timestamp(const boost::json::object& obj);
const boost::json::object* labels(const boost::json::object& obj);
const boost::json::object* annotations(const boost::json::object& obj);
std::optional<std::string_view> label(const boost::json::object& obj, std::string_view key);
std::optional<std::string_view> annotation(const boost::json::object& obj, std::string_view key);
std::vector<std::string_view> finalizers(const boost::json::object& obj);
bool has_finalizer(const boost::json::object& obj, std::string_view finalizer);
const boost::json::array* owner_references(const boost::json::object& obj);
// The ownerReference with controller: true, if any (metav1.GetControllerOf).
const boost::json::object* controller_of(const boost::json::object& obj);
// Whether an ownerReference names this uid.
bool is_owned_by(const boost::json::object& obj, std::string_view owner_uid);
// cache.MetaNamespaceKeyFunc: "namespace/name", or "name" when cluster-scoped.
std::string object_key(const boost::json::object& obj);

// --- mutators (create `metadata` and nested maps on demand) ---
boost::json::object& ensure_metadata(boost::json::object& obj);
void set_name(boost::json::object& obj, std::string_view value);
void set_namespace(boost::json::object& obj, std::string_view value);
void set_uid(boost::json::object& obj, std::string_view value);
void set_resource_version(boost::json::object& obj, std::string_view value);
void set_generation(boost::json::object& obj, int64_t value);
void set_label(boost::json::object& obj, std::string_view key, std::string_view value);
bool remove_label(boost::json::object& obj, std::string_view key);
void set_annotation(boost::json::object& obj, std::string_view key, std::string_view value);
bool remove_annotation(boost::json::object& obj, std::string_view key);
// Returns false when already present / absent.
bool add_finalizer(boost::json::object& obj, std::string_view finalizer);
bool remove_finalizer(boost::json::object& obj, std::string_view finalizer);
// Builds an ownerReference to `owner` (apiVersion, kind, name, uid, and
// controller/blockOwnerDeletion when `controller`).
boost::json::object owner_reference_to(const boost::json::object& owner, bool controller);
// Adds or replaces (by uid) an ownerReference.
void set_owner_reference(boost::json::object& obj, boost::json::object reference);
// Removes metadata.managedFields (what the host's cache drops to save memory).
void strip_managed_fields(boost::json::object& obj);

}  // namespace dynop::apimachinery
