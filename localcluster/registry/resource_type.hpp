#pragma once
// What dynop-localcluster knows about one served resource (a built-in kind or
// one version of a CRD). Storage, REST handlers, discovery, OpenAPI and table
// rendering all read this one description, so a CRD applied at run time and a
// built-in kind are served by the same code paths.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dynop::localcluster::schema {
struct Schema;  // localcluster/schema/structural_schema.hpp
}  // namespace dynop::localcluster::schema

namespace dynop::localcluster {

// An additionalPrinterColumn (CRD) or a built-in kind's table column.
struct PrinterColumn {
  std::string name;         // "REPLICAS"
  std::string type;         // integer | number | string | boolean | date
  std::string format;       // "" | name | ...
  std::string description;  // shown in Table columnDefinitions
  std::string json_path;    // ".status.replicas"; empty for built-in computed columns
  int priority = 0;         // 0: default columns; >0: only with -o wide
};

// The scale subresource paths of a CRD (autoscaling/v1 Scale).
struct ScaleSubresource {
  std::string spec_replicas_path;    // ".spec.replicas"
  std::string status_replicas_path;  // ".status.replicas"
  std::string label_selector_path;   // ".status.selector"; may be empty
};

// How objects of a version that is not the storage version are converted
// at the REST boundary (kube-apiserver's conversion through the internal
// type): bodies read in to_storage before anything else, responses and
// watch events written out through from_storage.
struct VersionConversion {
  std::function<boost::json::object(const boost::json::object& stored)> from_storage;
  std::function<boost::json::object(const boost::json::object& served)> to_storage;
};

struct ResourceType {
  std::string group;      // "" for core
  std::string version;    // "v1", "v1alpha1"
  std::string kind;       // "DynamoGraphDeploymentScalingAdapter"
  std::string list_kind;  // "DynamoGraphDeploymentScalingAdapterList"
  std::string plural;     // "dynamographdeploymentscalingadapters"
  std::string singular;   // "dynamographdeploymentscalingadapter"
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  bool namespaced = true;
  std::vector<std::string> verbs;  // discovery verbs, in kube-apiserver's order

  bool has_status_subresource = false;
  std::optional<ScaleSubresource> scale;
  // Built-in extra subresources such as "binding" for pods.
  std::vector<std::string> extra_subresources;

  // Empty means "use the default Name/Age columns" (kube-apiserver's default
  // table for a CRD without additionalPrinterColumns).
  std::vector<PrinterColumn> printer_columns;

  // The OpenAPI v3 schema (CRD `openAPIV3Schema`, or the built-in kind's
  // schema) as JSON; null when the kind accepts any object. Shared and
  // immutable: swapped as a whole when a CRD changes.
  std::shared_ptr<const boost::json::value> schema;
  // `schema` compiled for validation, defaulting and pruning
  // (schema::prepare_custom_object); null when there is no schema.
  std::shared_ptr<const schema::Schema> structural_schema;

  // Set for kinds defined by a CRD; names the CRD (plural.group).
  std::string crd_name;
  // The version objects are stored in (a CRD's storage version); empty means
  // `version`. Discovery derives storageVersionHash from it.
  std::string storage_version;
  // Bodies decode against `structural_schema` as kube's typed decoding does:
  // unknown fields are dropped, and refused or warned about as the request's
  // fieldValidation asks (built-in kinds with complete schemas).
  bool typed_decoding = false;
  // Set when this version is served converted from the storage version
  // (autoscaling/v1 HorizontalPodAutoscalers); null: served as stored.
  std::shared_ptr<const VersionConversion> conversion;
  // Set for resources an extension API server serves through the aggregator
  // (the APIService's name, "v1beta1.metrics.k8s.io"): not stored, routed to
  // ServerHooks::api_services, listed by discovery without a
  // storageVersionHash, left out of OpenAPI.
  std::string api_service;
  // Only custom resources accept merge and JSON patch but not strategic merge
  // patch (415), as kube-apiserver does.
  bool is_custom() const { return !crd_name.empty(); }

  std::string group_version() const { return group.empty() ? version : group + "/" + version; }
};

}  // namespace dynop::localcluster
