#include "lib/profiling/engine_profile.hpp"

#include <gtest/gtest.h>

#include "tests/support/reference_dir.hpp"

namespace dynop::profiling {
namespace {

std::string h200_path() {
  return test::reference_dir() + "/bench-data/profiles/dynamo_h200_llama31_8b_fp8_vllm.json";
}

TEST(EngineProfile, TheSharedH200ProfileLoadsAsIs) {
  auto profile = load_engine_profile(h200_path());
  ASSERT_TRUE(profile.ok()) << profile.error();
  EXPECT_EQ(profile->model, "nvidia/Llama-3.1-8B-Instruct-FP8");
  EXPECT_EQ(profile->gpu_type, "h200_sxm");
  EXPECT_EQ(profile->framework, "vllm");
  ASSERT_EQ(profile->prefill.isl.size(), 17u);
  EXPECT_EQ(profile->prefill.isl.front(), 100);
  EXPECT_EQ(profile->prefill.isl.back(), 16372);
  // Milliseconds in the file, seconds here.
  EXPECT_DOUBLE_EQ(profile->prefill.ttft_seconds.front(), 0.019525209);
  EXPECT_DOUBLE_EQ(profile->prefill.thpt_per_gpu[1], 29017.410472261345);
  ASSERT_EQ(profile->decode.kv_usage.size(), 41u);
  EXPECT_EQ(profile->decode.context_length.size(), 41u);
  EXPECT_DOUBLE_EQ(profile->decode.itl_seconds.front(), 0.004379871);
  EXPECT_DOUBLE_EQ(profile->decode.thpt_per_gpu[1], 13423.748520247656);
  EXPECT_EQ(profile->decode.max_kv_tokens, 945029);
}

TEST(EngineProfile, MissingFileIsNamed) {
  auto profile = load_engine_profile("/nonexistent/p.json");
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(profile.error(), "/nonexistent/p.json: cannot read the profile");
}

constexpr const char* kValid = R"({
 "prefill": {
  "prefill_isl": [100, 200, 300, 400],
  "prefill_ttft": [10, 20, 30, 40],
  "prefill_thpt_per_gpu": [1000, 2000, 3000, 4000]
 },
 "decode": {
  "x_kv_usage": [0.1, 0.5, 0.1],
  "y_context_length": [100, 100, 500],
  "z_itl": [5, 10, 6],
  "z_thpt_per_gpu": [100, 500, 90],
  "max_kv_tokens": [1000]
 }
})";

TEST(EngineProfile, UnitsDefaultToMillisecondsAndMaxKvMayBeAOneElementList) {
  auto profile = parse_engine_profile(kValid, "p.json");
  ASSERT_TRUE(profile.ok()) << profile.error();
  EXPECT_DOUBLE_EQ(profile->prefill.ttft_seconds[3], 0.04);
  EXPECT_DOUBLE_EQ(profile->decode.itl_seconds[1], 0.01);
  EXPECT_EQ(profile->decode.max_kv_tokens, 1000);
  EXPECT_EQ(profile->model, "");
}

std::string error_of(const std::string& text) {
  auto profile = parse_engine_profile(text, "p.json");
  EXPECT_FALSE(profile.ok());
  return profile.ok() ? "" : profile.error();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(EngineProfile, BadProfilesAreRefusedWithFileLineAndWhat) {
  EXPECT_EQ(error_of(replace(kValid, "[10, 20, 30, 40]", "[10, 20, 30]")),
            "p.json:4:19: prefill.prefill_ttft has 3 values, prefill.prefill_isl has 4");
  EXPECT_EQ(error_of(replace(kValid, "[10, 20, 30, 40]", "[10, \"x\", 30, 40]")),
            "p.json:4:24: prefill.prefill_ttft must hold only numbers, found \"x\"");
  EXPECT_EQ(error_of(replace(kValid, "[100, 200, 300, 400]", "[100, 300, 200, 400]")),
            "p.json:3:29: prefill.prefill_isl must be strictly increasing, found 200.000000 after "
            "300.000000");
  EXPECT_EQ(error_of(replace(kValid, "[5, 10, 6]", "[5, -10, 6]")),
            "p.json:10:16: decode.z_itl must hold positive numbers, found -10");
  EXPECT_EQ(error_of(replace(kValid, "\"max_kv_tokens\": [1000]", "\"max_kv\": [1000]")),
            "p.json:7:12: decode has no \"max_kv_tokens\"");
  EXPECT_EQ(error_of(replace(kValid, "[0.1, 0.5, 0.1]", "[0.1, 50, 0.1]")),
            "p.json:8:23: decode.x_kv_usage values are fractions of the KV cache, 0 to 1, found "
            "50.000000");
  EXPECT_EQ(error_of(replace(kValid, "\"z_itl\": [5, 10, 6],", "\"z_itl\": [5, 10, 6]")),
            "p.json:11:3: not valid JSON: end of map flow not found");
  EXPECT_EQ(error_of("[1, 2]"), "p.json:1:1: a profile must be an object with prefill and decode");
  EXPECT_EQ(error_of(std::string("{\"units\": {\"z_itl\": \"us\"},") + (kValid + 1)),
            "p.json:1:21: units.z_itl must be \"ms\" or \"s\"");
}

}  // namespace
}  // namespace dynop::profiling
