#include "tests/support/loaded_webhook.hpp"

#include "host/admission/abi_admission_plugin.hpp"

namespace dynop::test {

class LoadedWebhook::CachedDgds final : public host::PluginServices {
 public:
  explicit CachedDgds(std::map<std::string, std::string> dgds) : dgds_(std::move(dgds)) {}

  host::ServiceResult get_object(std::string_view, const host::ObjectRefView& ref) override {
    if (ref.kind != "DynamoGraphDeployment") {
      return host::ServiceResult::error(DYNOP_NOT_FOUND, "not cached");
    }
    auto it = dgds_.find(std::string(ref.ns) + "/" + std::string(ref.name));
    if (it == dgds_.end()) {
      return host::ServiceResult::error(
          DYNOP_NOT_FOUND,
          "dynamographdeployments.nvidia.com \"" + std::string(ref.name) + "\" not found");
    }
    return host::ServiceResult::ok(it->second);
  }

 private:
  const std::map<std::string, std::string> dgds_;
};

LoadedWebhook::LoadedWebhook(const std::filesystem::path& plugin_dir,
                             std::map<std::string, std::string> dgds,
                             const std::string& config_yaml)
    : services_(std::make_unique<CachedDgds>(std::move(dgds))), plugins_(registry_) {
  plugins_.set_services(services_.get());
  host::PluginLoadOptions options;
  options.folder = plugin_dir;
  options.enabled = {"webhook"};
  if (!config_yaml.empty()) options.config_sections["webhook"] = config_yaml;
  if (!plugins_.load_all(options, error_)) return;
  plugins_.start_all();
  for (const auto& status : plugins_.statuses()) {
    if (status.state != host::PluginState::kStarted) {
      error_ =
          "plugin " + status.name + " is " + host::to_string(status.state) + ": " + status.reason;
      return;
    }
  }
  auto admission = host::admission::admission_plugins_of(plugins_.active_plugins());
  if (admission.empty()) {
    error_ = "no admission plugin found in " + plugin_dir.string();
    return;
  }
  dispatcher_ =
      std::make_unique<host::admission::AdmissionDispatcher>(std::move(admission), registry_);
}

LoadedWebhook::~LoadedWebhook() {
  dispatcher_.reset();
  plugins_.stop_all();
  plugins_.unload_all();
}

}  // namespace dynop::test
