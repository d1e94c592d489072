#pragma once
// System-owned metadata: uid, timestamps, generateName suffixes, and the
// rules for which writes bump metadata.generation.

#include <boost/json/object.hpp>

#include <string>

#include "localcluster/registry/resource_type.hpp"

namespace dynop::localcluster::server {

std::string new_uid();
// kube's generateName suffix: 5 characters from "bcdfghjklmnpqrstvwxz2456789".
std::string random_name_suffix();

// kube-apiserver sets metadata.generation only for some kinds: custom
// resources, CRDs, webhook configurations and the workload kinds. Pods,
// nodes, configmaps, leases... have none in 1.26.
bool tracks_generation(const ResourceType& type);

// Whether a write from `before` to `after` bumps generation: any change
// outside metadata (and outside status when the kind has a status
// subresource, whose writes never count).
bool spec_changed(const ResourceType& type, const boost::json::object& before,
                  const boost::json::object& after);

boost::json::object& metadata(boost::json::object& object);
const boost::json::object* metadata(const boost::json::object& object);
std::string string_at(const boost::json::object* object, std::string_view key);

}  // namespace dynop::localcluster::server
