#include "host/admission/abi_admission_plugin.hpp"

#include <exception>
#include <string_view>
#include <utility>

#include "host/plugins/plugin_abi.hpp"

namespace dynop::host::admission {

namespace {

std::string to_string(dynop_str s) {
  return s.size == 0 || s.data == nullptr ? std::string() : std::string(s.data, s.size);
}

}  // namespace

AbiAdmissionPlugin::AbiAdmissionPlugin(std::string name, const dynop_admission_hooks& hooks,
                                       dynop_plugin* instance, std::vector<AdmissionRule> rules)
    : name_(std::move(name)), hooks_(hooks), instance_(instance), rules_(std::move(rules)) {}

PluginVerdict AbiAdmissionPlugin::review(std::string_view request_json) {
  PluginVerdict verdict;
  if (hooks_.review == nullptr) {
    verdict.ok = false;
    verdict.error = "the plugin has no review hook";
    return verdict;
  }
  auto out = out_struct<dynop_admission_response>();
  dynop_status status{};
  try {
    status = hooks_.review(instance_, dynop_str{request_json.data(), request_json.size()}, &out);
  } catch (const std::exception& e) {
    verdict.ok = false;
    verdict.error = std::string("review threw across the plugin boundary: ") + e.what();
    return verdict;
  } catch (...) {
    verdict.ok = false;
    verdict.error = "review threw across the plugin boundary";
    return verdict;
  }
  if (status.code != DYNOP_OK) {
    verdict.ok = false;
    verdict.error = to_string(status.message);
    if (verdict.error.empty())
      verdict.error = "review failed with status " + std::to_string(status.code);
    return verdict;
  }
  verdict.allowed = out.allowed != 0;
  verdict.code = out.http_code;
  verdict.message = to_string(out.message);
  if (out.warnings != nullptr) {
    verdict.warnings.reserve(out.warning_count);
    for (std::size_t i = 0; i < out.warning_count; ++i) {
      verdict.warnings.push_back(to_string(out.warnings[i]));
    }
  }
  return verdict;
}

std::vector<std::shared_ptr<AdmissionPlugin>> admission_plugins_of(
    const std::vector<ActivePlugin>& plugins) {
  std::vector<std::shared_ptr<AdmissionPlugin>> out;
  for (const auto& plugin : plugins) {
    if (plugin.hooks.admission.review == nullptr || !plugin.specs.admission) continue;
    std::vector<AdmissionRule> rules;
    for (const auto& rule : plugin.specs.admission->rules) {
      rules.push_back(AdmissionRule{rule.group, rule.version, rule.resource, rule.operations});
    }
    out.push_back(std::make_shared<AbiAdmissionPlugin>(plugin.name, plugin.hooks.admission,
                                                       plugin.instance, std::move(rules)));
  }
  return out;
}

}  // namespace dynop::host::admission
