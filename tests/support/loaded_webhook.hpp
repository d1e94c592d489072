#pragma once
// webhook.so as `make run` serves it, short of TLS and HTTP: loaded from the
// build's plugin folder by the host's PluginManager (Boost.DLL, the C ABI and
// the SDK's export layer), started, and put behind the host's
// AdmissionDispatcher, which routes, decodes, asks the plugin through the ABI,
// counts and encodes. The webhook's DGD lookups (its get_object calls) are
// answered from `dgds`, standing in for the host's informer cache; nothing
// else is replaced. For fuzzing and benchmarking the review path.
//
//   test::LoadedWebhook webhook(DYNOP_PLUGIN_DIR, {{"default/sglang-agg", dgd_json}});
//   ASSERT_TRUE(webhook.ok()) << webhook.error();
//   net::Response r = webhook.dispatcher().handle(request);

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "host/admission/admission_dispatcher.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/plugin_services.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::test {

class LoadedWebhook {
 public:
  // `dgds`: DynamoGraphDeployment JSON by "namespace/name".
  LoadedWebhook(const std::filesystem::path& plugin_dir, std::map<std::string, std::string> dgds,
                const std::string& config_yaml = "");
  ~LoadedWebhook();  // stops and unloads the plugin
  LoadedWebhook(const LoadedWebhook&) = delete;
  LoadedWebhook& operator=(const LoadedWebhook&) = delete;

  bool ok() const { return dispatcher_ != nullptr; }
  const std::string& error() const { return error_; }
  const host::admission::AdmissionDispatcher& dispatcher() const { return *dispatcher_; }
  metrics::Registry& registry() { return registry_; }

 private:
  class CachedDgds;

  metrics::Registry registry_;
  std::unique_ptr<CachedDgds> services_;
  host::PluginManager plugins_;
  std::unique_ptr<host::admission::AdmissionDispatcher> dispatcher_;
  std::string error_;
};

}  // namespace dynop::test
