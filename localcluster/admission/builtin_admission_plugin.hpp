#pragma once
// What kube-apiserver's built-in admission plugins here share: they read
// the object store and are installed, in kube's order, as
// ServerHooks::mutating_admission entries.
//
//   admission::NamespaceLifecycle lifecycle(store);
//   hooks.mutating_admission.push_back(lifecycle.hook());

#include <boost/json/object.hpp>
#include <optional>

#include "localcluster/server/hooks.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::admission {

class BuiltinAdmissionPlugin {
 public:
  explicit BuiltinAdmissionPlugin(const storage::ObjectStore& store) : store_(store) {}
  virtual ~BuiltinAdmissionPlugin() = default;
  BuiltinAdmissionPlugin(const BuiltinAdmissionPlugin&) = delete;
  BuiltinAdmissionPlugin& operator=(const BuiltinAdmissionPlugin&) = delete;

  // See server::MutatingAdmissionHook: `object` may be changed, or is null.
  virtual std::optional<server::ApiError> admit(const server::AdmissionAttributes& attributes,
                                                boost::json::object* object) const = 0;
  // The plugin (and its store) must outlive the hook.
  server::MutatingAdmissionHook hook() const {
    return [this](const server::AdmissionAttributes& attributes, boost::json::object* object) {
      return admit(attributes, object);
    };
  }

 protected:
  const storage::ObjectStore& store_;
};

}  // namespace dynop::localcluster::admission
