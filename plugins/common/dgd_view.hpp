#pragma once
// The one typed, validated view of a DynamoGraphDeployment, built from the
// object as the API server returns it. Every plugin that reads DGDs (dgd,
// dgdsa, the admission webhook) decides from this view only, so every default
// of the contract (replicas absent = 1, nodeCount 2, adapter enabled unless
// `scalingAdapter.disable: true` or `scalingAdapter.enabled: false`) is applied
// in one place. Errors name the field path as users write it
// (`spec.services[decode].replicas`), in kube-apiserver's field error wording.
//
// It reads a simdjson DOM (lib/apimachinery/json_decode.hpp: the reader for
// read-only views of big bodies) and copies out only what it returns. The
// webhook reads two DGDs per review in a few microseconds, so it asks for
// DgdParts::kScaling; the dgd plugin, which renders pods, asks for kAll.

#include <simdjson.h>

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/field_error.hpp"
#include "lib/apimachinery/result.hpp"

namespace dynop::plugins::common {

// One side (requests or limits) of a service's `resources`. Empty = not set.
struct ResourceFigures {
  std::string cpu;
  std::string memory;
  std::string gpu;       // GPUs per pod, a quantity
  std::string gpu_type;  // resource name used instead of nvidia.com/gpu
  std::map<std::string, std::string> custom;
  bool empty() const {
    return cpu.empty() && memory.empty() && gpu.empty() && gpu_type.empty() && custom.empty();
  }
};

struct ServiceResources {
  ResourceFigures requests;
  ResourceFigures limits;
  boost::json::array claims;
};

// A PVC of spec.pvcs mounted into a service's main container.
struct VolumeMountView {
  std::string name;  // a claim of spec.pvcs
  // Path in the container. Only a compilation cache may leave it out: it then
  // gets compilation_cache_mount_point(backendFramework).
  std::string mount_point;
  bool use_as_compilation_cache = false;
};

// /dev/shm of a service's pods (sharedMemory).
struct SharedMemoryView {
  bool set = false;  // sharedMemory present and not disabled
  std::string size;  // a quantity; empty = no limit
};

// What a PVC's volumeAccessMode may be (core/v1 PersistentVolumeAccessMode).
inline constexpr std::array<std::string_view, 4> kPvcAccessModes = {
    "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"};

// spec.pvcs[]: a claim the services mount. With create: true the dgd plugin
// creates it (owned by the DGD) when no claim of that name exists; size,
// storageClass and volumeAccessMode are then required.
struct PvcView {
  std::string name;
  bool create = false;
  std::string size;
  std::string storage_class;
  std::string access_mode;
};

inline constexpr std::int32_t kDefaultReplicas = 1;
inline constexpr std::int32_t kDefaultNodeCount = 2;
inline constexpr std::size_t kMaxServices = 25;

// What a parse reads (and validates). Fields outside the parts asked for keep
// their defaults and are not checked.
enum class DgdParts {
  // Identity (metadata name, namespace, uid, resourceVersion, generation,
  // deletion), spec.backendFramework, and per service: its name,
  // componentType, subComponentType, replicas, multinode (nodeCount),
  // scalingAdapter and whether the deprecated autoscaling is set. What
  // scaling and admission decide from.
  kScaling,
  // Everything: also spec.envs, spec.pvcs, the pod template parts of each
  // service (resources, envs, extraPodSpec, metadata, probes, volumeMounts,
  // sharedMemory) and the current status. What rendering pods needs.
  kAll,
};

struct ServiceView {
  // --- DgdParts::kScaling ---
  std::string name;  // key in spec.services, case kept
  std::string component_type;
  std::string sub_component_type;
  std::int32_t replicas = kDefaultReplicas;  // absent means 1
  bool replicas_set = false;
  bool multinode = false;
  std::int32_t node_count = 1;   // pods per replica group: multinode.nodeCount, else 1
  bool adapter_enabled = true;   // false for scalingAdapter.disable: true or .enabled: false
  bool has_autoscaling = false;  // deprecated field present (and not null)
  // --- DgdParts::kAll ---
  ServiceResources resources;
  boost::json::array envs;
  std::string env_from_secret;
  boost::json::object extra_pod_spec;  // extraPodSpec without mainContainer
  boost::json::object main_container;  // extraPodSpec.mainContainer
  std::map<std::string, std::string> extra_pod_labels;
  std::map<std::string, std::string> extra_pod_annotations;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  boost::json::object liveness_probe;   // empty = none
  boost::json::object readiness_probe;  // empty = none
  std::vector<VolumeMountView> volume_mounts;
  SharedMemoryView shared_memory;

  std::int32_t pods_per_group() const { return multinode ? node_count : 1; }
  bool is_planner() const { return component_type == "planner"; }
};

struct DgdView {
  // --- DgdParts::kScaling ---
  std::string name;
  std::string k8s_namespace;
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  bool deleting = false;  // metadata.deletionTimestamp set
  std::string backend_framework;
  std::vector<ServiceView> services;  // in spec.services order
  // --- DgdParts::kAll ---
  boost::json::array envs;     // spec.envs
  std::vector<PvcView> pvcs;   // spec.pvcs
  boost::json::object status;  // the current status, as read

  const ServiceView* find_service(std::string_view service) const;
};

struct DgdParseResult {
  // Always filled as far as the object allowed (metadata at least), so a
  // caller can still report a ValidationFailed status on the object.
  DgdView view;
  apimachinery::FieldErrors errors;
  bool ok() const { return errors.empty(); }
};

// The view of a parsed object (e.g. the element of an AdmissionReview's
// request.object); nothing in the result points into the parser.
DgdParseResult parse_dgd(simdjson::dom::element dgd, DgdParts parts = DgdParts::kAll);
// The same from JSON text (what the SDK client returns); an error only when
// the text is not JSON ("invalid JSON at byte 8: ...").
apimachinery::Result<DgdParseResult> parse_dgd_json(std::string_view dgd_json,
                                                    DgdParts parts = DgdParts::kAll);

// Where a compilation cache volume is mounted when volumeMounts[].mountPoint
// is left out: /root/.cache/<backend> (the backend's own cache folder under
// the image's home); "" when the backend is not known.
std::string compilation_cache_mount_point(std::string_view backend_framework);

// "spec.services[decode].replicas: Invalid value: -1: must be greater than or equal to 0",
// several errors joined as kube-apiserver aggregates them: "[a, b]"
// (apimachinery::aggregate_message).
std::string format_field_errors(const apimachinery::FieldErrors& errors);

}  // namespace dynop::plugins::common
