#include "plugins/planner/profile_config_map.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "tests/support/reference_dir.hpp"

namespace dynop::plugins::planner {
namespace {

namespace json = boost::json;

std::string config_map(json::object data) {
  return json::serialize(
      json::object{{"metadata", {{"name", "planner-profile-data"}, {"namespace", "default"}}},
                   {"data", std::move(data)}});
}

std::string h200_text() {
  std::ifstream in(test::reference_dir() +
                   "/bench-data/profiles/dynamo_h200_llama31_8b_fp8_vllm.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ProfileConfigMap, TheSharedH200ProfileLoadsAsIs) {
  auto p = profile_from_config_map(config_map({{"profile.json", h200_text()}}));
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->prefill.isl.size(), 17u);
  EXPECT_EQ(p->decode.max_kv_tokens, 945029);
  // The only key ending in .json, whatever its name.
  auto other = profile_from_config_map(
      config_map({{"h200.json", h200_text()}, {"README", "how this was profiled"}}));
  ASSERT_TRUE(other.ok()) << other.error();
}

TEST(ProfileConfigMap, ErrorsNameTheConfigMapAndKey) {
  EXPECT_EQ(profile_from_config_map(config_map({})).error(),
            "configmap default/planner-profile-data has no data: put the profile under the key "
            "profile.json");
  EXPECT_EQ(profile_from_config_map(config_map({{"a.json", "{}"}, {"b.json", "{}"}})).error(),
            "configmap default/planner-profile-data has no key profile.json and 2 keys ending in "
            ".json (a.json, b.json)");
  auto bad = profile_from_config_map(config_map({{"profile.json", "{\"prefill\": 1}"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().rfind("configmap default/planner-profile-data key profile.json", 0), 0u)
      << bad.error();
}

}  // namespace
}  // namespace dynop::plugins::planner
