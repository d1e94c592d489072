#include "host/admission/abi_admission_plugin.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace dynop::host::admission {
namespace {

using ::testing::ElementsAre;

// A C-ABI review hook driven by the request text, as a plugin answers: its
// strings live in plugin-owned storage until the next call.
dynop_str str(const std::string& s) { return dynop_str{s.data(), s.size()}; }

dynop_status scripted_review(dynop_plugin*, dynop_str request, dynop_admission_response* out) {
  static thread_local std::string message;
  static thread_local std::string warnings[2];
  static thread_local dynop_str warning_strs[2];
  const std::string text(request.data, request.size);
  if (text == "fail") {
    message = "cache not synced";
    return dynop_status{DYNOP_UNAVAILABLE, str(message)};
  }
  if (text == "fail-silently") return dynop_status{DYNOP_ERROR, dynop_str{nullptr, 0}};
  if (text == "throw") throw std::runtime_error("boom");
  warnings[0] = "first warning";
  warnings[1] = "second warning";
  warning_strs[0] = str(warnings[0]);
  warning_strs[1] = str(warnings[1]);
  out->warnings = warning_strs;
  out->warning_count = 2;
  if (text == "deny") {
    message = "replicas are owned by the adapter";
    out->allowed = 0;
    out->http_code = 0;
    out->message = str(message);
  } else {
    out->allowed = 1;
  }
  return dynop_status{DYNOP_OK, dynop_str{nullptr, 0}};
}

dynop_status describe(dynop_plugin*, dynop_admission_spec*) { return {DYNOP_OK, {nullptr, 0}}; }

const dynop_admission_hooks kHooks{&describe, &scripted_review, sizeof(dynop_admission_hooks)};

AbiAdmissionPlugin plugin() {
  return AbiAdmissionPlugin(
      "fixture", kHooks, nullptr,
      {AdmissionRule{"nvidia.com", "v1alpha1", "dynamographdeployments", DYNOP_OP_CREATE}});
}

TEST(AbiAdmissionPlugin, CopiesAnAllowWithWarnings) {
  auto p = plugin();
  EXPECT_EQ(p.name(), "fixture");
  ASSERT_EQ(p.rules().size(), 1u);
  auto verdict = p.review("allow");
  EXPECT_TRUE(verdict.ok);
  EXPECT_TRUE(verdict.allowed);
  EXPECT_THAT(verdict.warnings, ElementsAre("first warning", "second warning"));
}

TEST(AbiAdmissionPlugin, CopiesADenial) {
  auto p = plugin();
  auto verdict = p.review("deny");
  EXPECT_TRUE(verdict.ok);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.code, 0);
  EXPECT_EQ(verdict.message, "replicas are owned by the adapter");
}

TEST(AbiAdmissionPlugin, AnErrorStatusIsAFailedReview) {
  auto p = plugin();
  auto verdict = p.review("fail");
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.error, "cache not synced");
  verdict = p.review("fail-silently");
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.error, "review failed with status 1");
}

TEST(AbiAdmissionPlugin, AnExceptionAcrossTheBoundaryIsAFailedReview) {
  auto p = plugin();
  auto verdict = p.review("throw");
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.error, "review threw across the plugin boundary: boom");
}

TEST(AdmissionPluginsOf, SkipsPluginsWithoutTheAdmissionCapability) {
  ActivePlugin a;
  a.name = "webhook";
  a.hooks.capabilities = DYNOP_CAP_ADMISSION;
  a.hooks.admission = kHooks;
  a.specs.admission = AdmissionSpec{
      {AdmissionRuleSpec{"nvidia.com", "v1alpha1", "dynamographdeployments", DYNOP_OP_UPDATE}}};
  ActivePlugin b;
  b.name = "dgd";
  b.hooks.capabilities = DYNOP_CAP_RECONCILER;
  auto plugins = admission_plugins_of({a, b});
  ASSERT_EQ(plugins.size(), 1u);
  EXPECT_EQ(plugins[0]->name(), "webhook");
  ASSERT_EQ(plugins[0]->rules().size(), 1u);
  EXPECT_EQ(plugins[0]->rules()[0].resource, "dynamographdeployments");
  EXPECT_EQ(plugins[0]->rules()[0].operations, DYNOP_OP_UPDATE);
}

}  // namespace
}  // namespace dynop::host::admission
