#include "host/ui/ui_endpoints.hpp"

#include <chrono>
#include <string>

#include "host/server/ops_server.hpp"
#include "host/ui/embedded_files.hpp"
#include "host/ui/timeline.hpp"

namespace dynop::host::ui {

void add_ui_endpoints(OpsServer& ops, PrometheusSource* prometheus) {
  for (const EmbeddedFile& file : embedded_files()) {
    const std::string path = file.name == "index.html" ? "/ui/" : "/ui/" + std::string(file.name);
    ops.add_endpoint(path, [&file](const net::Request&) {
      net::Response r;
      r.status = 200;
      r.set_header("Content-Type", std::string(file.content_type));
      r.set_header("Cache-Control", "no-cache");
      r.body = std::string(file.body);
      return r;
    });
  }
  ops.add_endpoint("/ui", [](const net::Request&) {
    net::Response r = net::Response::text(301, "moved to /ui/\n");
    r.set_header("Location", "/ui/");
    return r;
  });
  ops.add_endpoint("/ui/api/timeline", [prometheus](const net::Request& req) {
    std::string error;
    auto query = parse_timeline_query(req.query(), error);
    if (!query) return net::Response::text(400, error + "\n");
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    return net::Response::json(200, timeline_json(prometheus, *query, now));
  });
}

}  // namespace dynop::host::ui
