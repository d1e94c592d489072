#pragma once
// Plugs Table rendering into the API server's hook
// (server::ServerHooks::render_table): a list request (resource_version set)
// becomes a list Table, a single object or watch event a one-row Table.

#include "localcluster/server/hooks.hpp"

namespace dynop::localcluster::tables {

server::TableRenderer make_table_renderer();

}  // namespace dynop::localcluster::tables
