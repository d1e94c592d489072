#include "lib/leaderelection/kube_lease_client.hpp"

namespace dynop::leaderelection {
namespace {

class KubeLeaseClient final : public LeaseClient {
 public:
  KubeLeaseClient(kube::Client& client, kube::ResourceInfo leases)
      : client_(client), leases_(std::move(leases)) {}
  kube::Result<std::string> get(const std::string& ns, const std::string& name) override {
    return client_.get(leases_, ns, name);
  }
  kube::Result<std::string> create(const std::string& ns, const std::string& lease_json) override {
    return client_.create(leases_, ns, lease_json);
  }
  kube::Result<std::string> update(const std::string& ns, const std::string& name,
                                   const std::string& lease_json) override {
    return client_.update(leases_, ns, name, lease_json);
  }
  kube::Result<std::unique_ptr<kube::EventStream>> watch(const std::string& ns,
                                                         const std::string& name) override {
    kube::ListOptions options;
    options.field_selector = "metadata.name=" + name;
    options.timeout_seconds = 300;  // reconnected by the elector; bounds a silently dead stream
    return client_.watch(leases_, ns, options);
  }

 private:
  kube::Client& client_;
  kube::ResourceInfo leases_;
};

}  // namespace

kube::Result<std::unique_ptr<LeaseClient>> make_kube_lease_client(kube::Client& client) {
  auto leases = client.resource_for("coordination.k8s.io/v1", "Lease");
  if (!leases) return std::move(leases).error();
  return std::unique_ptr<LeaseClient>(std::make_unique<KubeLeaseClient>(client, *leases));
}

}  // namespace dynop::leaderelection
