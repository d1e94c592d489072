#include "lib/apimachinery/strategic_merge_patch.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

std::string smp(std::string_view original, std::string_view patch, std::string_view kind = "Pod") {
  auto r = strategic_merge_patch(json::parse(original), json::parse(patch), kind);
  if (!r) return "ERROR: " + r.error();
  return json::serialize(*r);
}

TEST(StrategicMergePatch, PodStatusConditionsMergeByTypeNewFirst) {
  // Trace 09-pod-05: the new Ready condition lands before PodScheduled.
  EXPECT_EQ(
      smp(R"({"status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"True"}]}})",
          R"({"status":{"phase":"Running","podIP":"10.244.0.15","conditions":[{"type":"Ready","status":"True","lastProbeTime":null}]}})"),
      R"({"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}],"podIP":"10.244.0.15"}})");
  // Updating an existing condition merges it in place.
  EXPECT_EQ(smp(R"({"status":{"conditions":[{"type":"A","status":"False"},{"type":"B"}]}})",
                R"({"status":{"conditions":[{"type":"A","status":"True"}]}})"),
            R"({"status":{"conditions":[{"type":"A","status":"True"},{"type":"B"}]}})");
}

TEST(StrategicMergePatch, KubectlApplyPatchWithSetElementOrder) {
  // Trace 10-apply-02b: one env var changed, order given by $setElementOrder.
  std::string original = R"({"metadata":{"labels":{"app":"apply-demo","tier":"v1"}},
    "spec":{"containers":[{"name":"main","image":"cuda","env":[
      {"name":"LOG_LEVEL","value":"info"},{"name":"MODEL","value":"llama-3-8b"}]}]}})";
  std::string patch = R"({"metadata":{"labels":{"tier":"v2"}},"spec":{
    "$setElementOrder/containers":[{"name":"main"}],
    "containers":[{"$setElementOrder/env":[{"name":"LOG_LEVEL"},{"name":"MODEL"}],
                   "env":[{"name":"LOG_LEVEL","value":"debug"}],"name":"main"}]}})";
  EXPECT_EQ(
      smp(original, patch),
      R"({"metadata":{"labels":{"app":"apply-demo","tier":"v2"}},"spec":{"containers":[{"name":"main","image":"cuda","env":[{"name":"LOG_LEVEL","value":"debug"},{"name":"MODEL","value":"llama-3-8b"}]}]}})");
}

TEST(StrategicMergePatch, SetElementOrderReordersAndAdds) {
  EXPECT_EQ(smp(R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})",
                R"({"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"c"},{"name":"a"}],
                   "containers":[{"name":"c","image":"x"}]}})"),
            R"({"spec":{"containers":[{"name":"b"},{"name":"c","image":"x"},{"name":"a"}]}})");
}

TEST(StrategicMergePatch, ListDirectives) {
  EXPECT_EQ(smp(R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})",
                R"({"spec":{"containers":[{"name":"a","$patch":"delete"}]}})"),
            R"({"spec":{"containers":[{"name":"b"}]}})");
  EXPECT_EQ(smp(R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})",
                R"({"spec":{"containers":[{"name":"z"},{"$patch":"replace"}]}})"),
            R"({"spec":{"containers":[{"name":"z"}]}})");
  EXPECT_EQ(smp(R"({"spec":{"containers":[{"name":"a"}]}})",
                R"({"spec":{"containers":[{"$patch":"merge"}]}})"),
            "ERROR: merging lists cannot yet be specified in the patch");
  EXPECT_EQ(smp(R"({"spec":{"containers":[{"name":"a"}]}})",
                R"({"spec":{"containers":[{"image":"x"}]}})"),
            "ERROR: map: map[image:x] does not contain declared merge key: name");
}

TEST(StrategicMergePatch, MapDirectives) {
  EXPECT_EQ(smp(R"({"spec":{"a":1,"b":2}})", R"({"spec":{"$patch":"replace","c":3}})"),
            R"({"spec":{"c":3}})");
  EXPECT_EQ(smp(R"({"spec":{"a":1,"b":2}})", R"({"spec":{"$patch":"delete"}})"), R"({"spec":{}})");
  EXPECT_EQ(
      smp(R"({"metadata":{"labels":{"a":"1","b":"2"}}})", R"({"metadata":{"labels":{"a":null}}})"),
      R"({"metadata":{"labels":{"b":"2"}}})");
}

TEST(StrategicMergePatch, PrimitiveListsAndFinalizers) {
  EXPECT_EQ(
      smp(R"({"metadata":{"finalizers":["a","b"]}})", R"({"metadata":{"finalizers":["c","a"]}})"),
      R"({"metadata":{"finalizers":["c","a","b"]}})");
  EXPECT_EQ(smp(R"({"metadata":{"finalizers":["a","b"]}})",
                R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}})"),
            R"({"metadata":{"finalizers":["b"]}})");
  EXPECT_EQ(smp(R"({"metadata":{"finalizers":["a","b"]}})",
                R"({"metadata":{"$setElementOrder/finalizers":["b","a","c"],"finalizers":["c"]}})"),
            R"({"metadata":{"finalizers":["b","a","c"]}})");
  // Lists without a strategy are replaced (tolerations, command).
  EXPECT_EQ(
      smp(R"({"spec":{"tolerations":[{"key":"a"}]}})", R"({"spec":{"tolerations":[{"key":"b"}]}})"),
      R"({"spec":{"tolerations":[{"key":"b"}]}})");
}

TEST(StrategicMergePatch, NestedMergeKeys) {
  EXPECT_EQ(
      smp(R"({"spec":{"containers":[{"name":"m","ports":[{"containerPort":80,"name":"http"}],
            "volumeMounts":[{"mountPath":"/a","name":"x"}]}]}})",
          R"({"spec":{"containers":[{"name":"m","ports":[{"containerPort":80,"protocol":"TCP"}],
            "volumeMounts":[{"mountPath":"/b","name":"y"}]}]}})"),
      R"({"spec":{"containers":[{"name":"m","ports":[{"containerPort":80,"name":"http","protocol":"TCP"}],"volumeMounts":[{"mountPath":"/b","name":"y"},{"mountPath":"/a","name":"x"}]}]}})");
  EXPECT_EQ(smp(R"({"metadata":{"ownerReferences":[{"uid":"1","name":"a"}]}})",
                R"({"metadata":{"ownerReferences":[{"uid":"1","controller":true}]}})"),
            R"({"metadata":{"ownerReferences":[{"uid":"1","name":"a","controller":true}]}})");
  EXPECT_EQ(smp(R"({"status":{"conditions":[{"type":"Ready","status":"False"}]}})",
                R"({"status":{"conditions":[{"type":"Ready","status":"True"}]}})", "Node"),
            R"({"status":{"conditions":[{"type":"Ready","status":"True"}]}})");
  EXPECT_EQ(smp(R"({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"1"}]}}}})",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"2"}]}}}})",
                "Deployment"),
            R"({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"2"}]}}}})");
}

TEST(StrategicMergePatch, RetainKeys) {
  EXPECT_EQ(
      smp(R"({"spec":{"volumes":[{"name":"v","emptyDir":{},"x":1}]}})",
          R"({"spec":{"volumes":[{"name":"v","$retainKeys":["name","hostPath"],"hostPath":{"path":"/d"}}]}})"),
      R"({"spec":{"volumes":[{"name":"v","hostPath":{"path":"/d"}}]}})");
  EXPECT_EQ(
      smp(R"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}})",
          R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})", "Deployment"),
      R"({"spec":{"strategy":{"type":"Recreate"}}})");
}

TEST(StrategicMergePatch, RetainKeysAndOrderValidation) {
  EXPECT_EQ(
      smp(R"({"spec":{"strategy":{"type":"A"}}})",
          R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"B","other":1}}})", "Deployment"),
      "ERROR: invalid patch format of retainKeys");
  EXPECT_EQ(smp(R"({"spec":{"strategy":{}}})", R"({"spec":{"strategy":{"$retainKeys":"type"}}})",
                "Deployment"),
            "ERROR: invalid patch format of retainKeys");
  EXPECT_EQ(smp(R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})",
                R"({"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],
                   "containers":[{"name":"b","image":"1"},{"name":"a","image":"2"}]}})"),
            "ERROR: the order in patch list:\n[map[image:1 name:b] map[image:2 name:a]]\n doesn't "
            "match $setElementOrder list:\n[map[name:a] map[name:b]]");
  EXPECT_EQ(smp(R"({"spec":{"containers":[]}})", R"({"spec":{"$setElementOrder/containers":"a"}})"),
            "ERROR: expected a []interface {}, but received a string");
  // New values lose nulls and maps carrying $patch.
  EXPECT_EQ(
      smp(R"({"spec":{}})", R"({"spec":{"affinity":{"a":null,"b":{"$patch":"delete"},"c":1}}})"),
      R"({"spec":{"affinity":{"c":1}}})");
}

TEST(StrategicMergePatch, UnsupportedKindAndBadPatch) {
  EXPECT_EQ(smp("{}", "{}", "DynamoGraphDeployment"),
            "ERROR: strategic merge patch is not supported for kind DynamoGraphDeployment");
  EXPECT_EQ(smp("{}", "[]"),
            "ERROR: json: cannot unmarshal array into Go value of type map[string]interface {}");
  EXPECT_EQ(smp(R"({"spec":{}})", R"({"spec":{"$patch":"bogus"}})"),
            "ERROR: unknown patch type: bogus in map: map[$patch:bogus]");
}

TEST(StrategicMergePatch, RegistryLookup) {
  const auto& reg = PatchMetaRegistry::builtin();
  const PatchField* env = reg.lookup("Pod", "spec.containers.env");
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(env->merge_key, "name");
  EXPECT_TRUE(env->merges());
  const PatchField* tpl = reg.lookup("StatefulSet", "spec.template.spec.initContainers");
  ASSERT_NE(tpl, nullptr);
  EXPECT_EQ(tpl->merge_key, "name");
  EXPECT_EQ(reg.lookup("Pod", "spec.tolerations"), nullptr);
  EXPECT_FALSE(reg.root_type("DynamoGraphDeployment").has_value());
}

}  // namespace
}  // namespace dynop::apimachinery
