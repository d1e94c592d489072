#pragma once
// Which pods are placed all or nothing: the pods of one replica of a
// multinode service, as the dgd plugin labels them (plugins/common/names.hpp:
// nvidia.com/dynamo-group names the replica group, nvidia.com/dynamo-group-
// size its pod count). A group of one is no gang.

#include <dynop/sdk/placement.hpp>
#include <dynop/sdk/placement_views.hpp>
#include <string_view>

#include "plugins/gpu-scheduler/config.hpp"

namespace dynop::plugins::gpu_scheduler {

sdk::PodGroup pod_group_of(const sdk::PodView& pod, const GpuSchedulerConfig& config);

}  // namespace dynop::plugins::gpu_scheduler
