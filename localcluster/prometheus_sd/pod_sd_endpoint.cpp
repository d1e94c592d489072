#include "localcluster/prometheus_sd/pod_sd_endpoint.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "localcluster/prometheus_sd/pod_targets.hpp"

namespace dynop::localcluster::prometheus_sd {

namespace json = boost::json;

std::optional<net::Response> serve_pod_targets(const net::Request& request,
                                               const storage::ObjectStore& store) {
  if (request.path() != kPodsPath) return std::nullopt;
  if (request.method() != "GET") return net::Response::text(405, "method not allowed");
  std::string ns;
  if (auto url = boost::urls::parse_origin_form(request.target()); url) {
    if (auto it = url->params().find("namespace"); it != url->params().end()) {
      ns = std::string((*it).value);
    }
  }
  json::array groups;
  for (const auto& pod : store.list(storage::Selection{"pods", ns, {}}).items) {
    auto parsed = json::parse(*pod.json);
    if (!parsed.is_object()) continue;
    for (auto& group : pod_target_groups(parsed.as_object())) groups.push_back(std::move(group));
  }
  return net::Response::json(200, json::serialize(groups));
}

}  // namespace dynop::localcluster::prometheus_sd
