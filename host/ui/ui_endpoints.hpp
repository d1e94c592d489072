#pragma once
// Adds the timeline page to the ops server:
//   GET /ui/                 the page (index.html)
//   GET /ui/<file>           its stylesheet and script
//   GET /ui/api/timeline     its chart data (timeline.hpp); 400 naming a bad parameter
// `prometheus` (may be null: the page then says none is configured) must
// outlive the server. Call before OpsServer::start.

namespace dynop::host {
class OpsServer;
class PrometheusSource;
}  // namespace dynop::host

namespace dynop::host::ui {

void add_ui_endpoints(OpsServer& ops, PrometheusSource* prometheus);

}  // namespace dynop::host::ui
