#pragma once
// An admission plugin for tests: fixed rules, a scripted verdict, and a record
// of the request objects it was given.

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/admission/admission_plugin.hpp"

namespace dynop::host::admission {

class FakeAdmissionPlugin : public AdmissionPlugin {
 public:
  using Review = std::function<PluginVerdict(std::string_view request_json)>;

  FakeAdmissionPlugin(std::string name, std::vector<AdmissionRule> rules, Review review)
      : name_(std::move(name)), rules_(std::move(rules)), review_(std::move(review)) {}

  const std::string& name() const override { return name_; }
  const std::vector<AdmissionRule>& rules() const override { return rules_; }
  PluginVerdict review(std::string_view request_json) override {
    {
      std::lock_guard lock(mutex_);
      seen_.emplace_back(request_json);
    }
    return review_(request_json);
  }

  std::vector<std::string> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::string name_;
  std::vector<AdmissionRule> rules_;
  Review review_;
  mutable std::mutex mutex_;
  std::vector<std::string> seen_;
};

inline PluginVerdict allowed(std::vector<std::string> warnings = {}) {
  PluginVerdict v;
  v.allowed = true;
  v.warnings = std::move(warnings);
  return v;
}

inline PluginVerdict denied(std::string message, std::int32_t code = 0,
                            std::vector<std::string> warnings = {}) {
  PluginVerdict v;
  v.allowed = false;
  v.code = code;
  v.message = std::move(message);
  v.warnings = std::move(warnings);
  return v;
}

inline PluginVerdict failed(std::string error) {
  PluginVerdict v;
  v.ok = false;
  v.error = std::move(error);
  return v;
}

}  // namespace dynop::host::admission
