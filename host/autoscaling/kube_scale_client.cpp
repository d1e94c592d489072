#include <simdjson.h>

#include "host/autoscaling/scale_client.hpp"
#include "lib/apimachinery/json_decode.hpp"
#include "lib/kube/client/client.hpp"

namespace dynop::host::autoscaling {
namespace {

class KubeScaleClient final : public ScaleClient {
 public:
  explicit KubeScaleClient(kube::Client& client) : client_(client) {}

  kube::Result<std::int32_t> get_replicas(const ScaleTarget& target) override {
    auto resource = client_.resource_for(target.api_version, target.kind);
    if (!resource) return std::move(resource).error();
    auto scale = client_.get_scale(*resource, target.ns, target.name);
    if (!scale) return std::move(scale).error();
    thread_local apimachinery::JsonDecoder decoder;
    auto doc = decoder.parse_view(*scale);
    if (!doc) return kube::decode_error("the /scale of " + target.name + ": " + doc.error());
    // A Scale at 0 replicas has "spec":{} (autoscaling/v1 omits zero).
    int64_t replicas = 0;
    auto field = (*doc)["spec"]["replicas"];
    if (field.error() == simdjson::SUCCESS && field.get(replicas) != simdjson::SUCCESS)
      return kube::decode_error("the /scale of " + target.name + ": spec.replicas is not a number");
    return static_cast<std::int32_t>(replicas);
  }

  kube::Status set_replicas(const ScaleTarget& target, std::int32_t replicas) override {
    auto resource = client_.resource_for(target.api_version, target.kind);
    if (!resource) return std::move(resource).error();
    auto written = client_.scale(*resource, target.ns, target.name, replicas);
    if (!written) return std::move(written).error();
    return kube::Ok{};
  }

 private:
  kube::Client& client_;
};

}  // namespace

std::unique_ptr<ScaleClient> make_kube_scale_client(kube::Client& client) {
  return std::make_unique<KubeScaleClient>(client);
}

}  // namespace dynop::host::autoscaling
