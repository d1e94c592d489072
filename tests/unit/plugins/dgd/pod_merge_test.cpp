#include "plugins/dgd/pod_merge.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;

std::string merged(std::string_view target, std::string_view patch) {
  json::object t = json::parse(target).as_object();
  strategic_merge(t, json::parse(patch).as_object());
  return json::serialize(t);
}

TEST(PodMerge, ObjectsMergeKeyByKeyAndNullDeletes) {
  EXPECT_EQ(merged(R"({"a":1,"b":{"c":1,"d":2}})", R"({"b":{"c":3,"d":null},"e":4})"),
            R"({"a":1,"b":{"c":3},"e":4})");
}

TEST(PodMerge, ContainersMergeByName) {
  EXPECT_EQ(merged(R"({"containers":[{"name":"main","image":"a"}]})",
                   R"({"containers":[{"name":"main","image":"b"},{"name":"side","image":"s"}]})"),
            R"({"containers":[{"name":"main","image":"b"},{"name":"side","image":"s"}]})");
}

TEST(PodMerge, EnvMergesByNameVolumeMountsByPath) {
  EXPECT_EQ(merged(R"({"env":[{"name":"A","value":"1"}],"volumeMounts":[{"name":"v","mountPath":"/x"}]})",
                   R"({"env":[{"name":"A","value":"2"},{"name":"B","value":"3"}],"volumeMounts":[{"name":"w","mountPath":"/x"}]})"),
            R"({"env":[{"name":"A","value":"2"},{"name":"B","value":"3"}],"volumeMounts":[{"name":"w","mountPath":"/x"}]})");
}

TEST(PodMerge, ListsWithoutAMergeKeyAreReplaced) {
  EXPECT_EQ(merged(R"({"args":["a","b"],"tolerations":[{"key":"x"}]})",
                   R"({"args":["c"],"tolerations":[{"key":"y"}]})"),
            R"({"args":["c"],"tolerations":[{"key":"y"}]})");
}

TEST(PodMerge, MergeKeys) {
  EXPECT_EQ(merge_key_for("containers"), "name");
  EXPECT_EQ(merge_key_for("volumes"), "name");
  EXPECT_EQ(merge_key_for("ports"), "containerPort");
  EXPECT_EQ(merge_key_for("volumeMounts"), "mountPath");
  EXPECT_EQ(merge_key_for("args"), "");
}

}  // namespace
}  // namespace dynop::plugins::dgd
