#pragma once
// A dynop-localcluster for runtime tests plus a kube::Client built the way
// the host builds it: from the kubeconfig the cluster writes.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "lib/kube/client/client.hpp"
#include "lib/kube/client/kubeconfig.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"

namespace dynop::runtime_test {

inline std::unique_ptr<kube::Client> client_for(const test::LocalCluster& cluster) {
  auto config = kube::load_kubeconfig(cluster.kubeconfig());
  EXPECT_TRUE(config) << (config ? "" : config.error().describe());
  if (!config) return nullptr;
  auto client = kube::Client::create(*config);
  EXPECT_TRUE(client) << (client ? "" : client.error().describe());
  if (!client) return nullptr;
  return std::move(client.value());
}

inline std::string config_map(const std::string& name, const std::string& value,
                              const std::string& rv = "") {
  boost::json::object metadata{{"name", name}, {"namespace", "default"}};
  if (!rv.empty()) metadata["resourceVersion"] = rv;
  return boost::json::serialize(boost::json::object{{"apiVersion", "v1"},
                                                    {"kind", "ConfigMap"},
                                                    {"metadata", metadata},
                                                    {"data", {{"value", value}}}});
}

inline std::string field(const std::string& json, std::initializer_list<const char*> path) {
  boost::json::value value = boost::json::parse(json);
  const boost::json::value* at = &value;
  for (const char* key : path) {
    if (!at->is_object() || !at->as_object().contains(key)) return {};
    at = &at->as_object().at(key);
  }
  if (at->is_string()) return std::string(at->as_string());
  return boost::json::serialize(*at);
}

}  // namespace dynop::runtime_test
