// Exports the planner plugin (plugins/planner/planner_plugin.hpp) to the host.
#include <dynop/sdk/export.hpp>

#include "plugins/planner/planner_plugin.hpp"

DYNOP_PLUGIN(dynop::plugins::planner::PlannerPlugin)
