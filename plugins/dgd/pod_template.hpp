#pragma once
// The pod that realises one service of a DGD: contract labels and env, the
// service's resources as container requests and limits, the user's
// extraPodSpec/mainContainer merged in, and a template hash over everything
// that defines the pod (not the replica count), so that a spec change and only
// a spec change rolls the service's pods.

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "lib/apimachinery/result.hpp"
#include "plugins/common/dgd_view.hpp"

namespace dynop::plugins::dgd {

inline constexpr std::string_view kMainContainerName = "main";
inline constexpr std::string_view kGpuResource = "nvidia.com/gpu";
inline constexpr std::string_view kSharedMemoryVolume = "shared-memory";

// The dgd plugin's configuration section (its pod-related part).
struct PodTemplateConfig {
  // Set on every pod so the host's scheduling loop binds them with the
  // gpu-scheduler plugin (its default scheduler name); empty leaves the
  // cluster's default scheduler.
  std::string scheduler_name = "dynop-gpu-scheduler";
  std::string planner_service_account = "planner-serviceaccount";
  // Used when extraPodSpec.mainContainer has no image (the guide's agg.yaml has none).
  std::string default_image = "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.8.0";
};

struct PodTemplate {
  std::string base_name;  // `<dgd>-<lower service>`, cut to fit
  std::string hash;       // the pod-template hash label value
  std::int32_t pods_per_group = 1;
  // A Pod without metadata.name and without per-pod group labels/env.
  boost::json::object pod;
};

// Fails, naming the field, when extraPodSpec cannot be merged (e.g. a
// container without a name): a spec error the DGD status reports.
apimachinery::Result<PodTemplate> build_pod_template(const common::DgdView& dgd,
                                                     const common::ServiceView& service,
                                                     const PodTemplateConfig& config);

// `<base>-<hash>-<index>`: the name of a replica group, and of its pod when the
// service is not multinode. Deterministic, so creating a pod the cache has not
// shown yet fails with AlreadyExists instead of making a duplicate.
std::string group_name(const PodTemplate& tmpl, std::int32_t group_index);
// `<group>` for a plain service, `<group>-<rank>` for a multinode one.
std::string pod_name(const PodTemplate& tmpl, std::int32_t group_index, std::int32_t rank);

// The full pod for one member of one replica group: name, group labels and,
// for a multinode service, its role (rank 0 leads) and rank in label and env.
boost::json::object render_pod(const PodTemplate& tmpl, std::int32_t group_index,
                               std::int32_t rank);

// Kubernetes' pod-template hash encoding (FNV-1a of the canonical JSON,
// as a short string of consonants and digits that never spells a word).
std::string template_hash(const boost::json::value& canonical_input);

}  // namespace dynop::plugins::dgd
