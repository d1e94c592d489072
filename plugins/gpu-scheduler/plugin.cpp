// Exports the gpu-scheduler plugin (see gpu_scheduler_plugin.hpp) as gpu-scheduler.so.
#include <dynop/sdk/export.hpp>

#include "plugins/gpu-scheduler/gpu_scheduler_plugin.hpp"

DYNOP_PLUGIN(dynop::plugins::gpu_scheduler::GpuSchedulerPlugin)
