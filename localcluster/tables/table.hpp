#pragma once
// meta.k8s.io/v1 Table rendering, what `kubectl get` asks for with
//   Accept: application/json;as=Table;v=v1;g=meta.k8s.io,...
// Custom resources get Name plus their additionalPrinterColumns (or Name and
// Age); built-in kinds get kube-apiserver 1.26's printer columns (pods: NAME
// READY STATUS RESTARTS AGE, wide: IP NODE NOMINATED NODE READINESS GATES,
// ...). Cells are typed as kube emits them; AGE is kube's human duration.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/time.hpp"
#include "localcluster/registry/resource_type.hpp"

namespace dynop::localcluster::tables {

// ?includeObject=: what rows[].object holds.
enum class IncludeObject {
  kNone,      // null
  kMetadata,  // PartialObjectMetadata (the default)
  kObject,    // the full object
};
// "" gives kMetadata; nullopt for an unknown value (kube answers 400).
std::optional<IncludeObject> parse_include_object(std::string_view value);

// Whether an Accept header asks for a Table (as=Table;g=meta.k8s.io, v1 or v1beta1).
bool wants_table(std::string_view accept);

// columnDefinitions for the type.
boost::json::array column_definitions(const ResourceType& type);

// One row: {"cells": [...], "object": ...}.
boost::json::object table_row(const ResourceType& type, const boost::json::object& object,
                              IncludeObject include, apimachinery::Timestamp now);

struct ListInfo {
  std::string resource_version;
  std::string continue_token;                     // "" when there is no next page
  std::optional<long long> remaining_item_count;  // set with continue
};

// A Table for a list response (`rows` is [] for no items, never null).
boost::json::object table_for_list(const ResourceType& type,
                                   const std::vector<const boost::json::object*>& items,
                                   const ListInfo& info, IncludeObject include,
                                   apimachinery::Timestamp now);

// A Table for one object (GET of a single object, and each watch event).
// Watch events after the first carry `"columnDefinitions": null`, so pass
// `with_column_definitions=false` for them.
boost::json::object table_for_object(const ResourceType& type, const boost::json::object& object,
                                     IncludeObject include, apimachinery::Timestamp now,
                                     bool with_column_definitions = true);

}  // namespace dynop::localcluster::tables
