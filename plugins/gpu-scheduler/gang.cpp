#include "plugins/gpu-scheduler/gang.hpp"

#include <charconv>

#include "plugins/common/names.hpp"

namespace dynop::plugins::gpu_scheduler {

sdk::PodGroup pod_group_of(const sdk::PodView& pod, const GpuSchedulerConfig& config) {
  auto group = pod.label(common::kLabelGroup);
  auto size_text = pod.label(common::kLabelGroupSize);
  if (!group || group->empty() || !size_text) return {};
  uint32_t size = 0;
  const auto [end, ec] =
      std::from_chars(size_text->data(), size_text->data() + size_text->size(), size);
  if (ec != std::errc() || end != size_text->data() + size_text->size() || size < 2) return {};
  sdk::PodGroup out;
  out.name = std::string(*group);
  out.min_member = size;
  out.topology_keys = config.gang_topology_keys;
  out.topology_required = config.gang_topology_required;
  return out;
}

}  // namespace dynop::plugins::gpu_scheduler
