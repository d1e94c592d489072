#include "plugins/common/dgd_view.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lib/apimachinery/json_decode.hpp"
#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::common {
namespace {

using testing::dgd_from_yaml;

DgdParseResult parse_yaml(std::string_view yaml) {
  return testing::parse_dgd_object(boost::json::value(dgd_from_yaml(yaml)));
}

std::string errors_of(const DgdParseResult& r) { return format_field_errors(r.errors); }

TEST(DgdView, GuideExampleWithDefaults) {
  auto file =
      testing::yaml_file_to_json(testing::source_path("examples/backends/sglang/deploy/agg.yaml"));
  ASSERT_TRUE(file.has_value());
  DgdParseResult r = testing::parse_dgd_object(boost::json::value(testing::as_stored(*file)));
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const DgdView& v = r.view;
  EXPECT_EQ(v.name, "sglang-agg");
  EXPECT_EQ(v.k8s_namespace, "default");
  ASSERT_EQ(v.services.size(), 2u);
  EXPECT_EQ(v.services[0].name, "Frontend");  // case kept, order kept
  EXPECT_EQ(v.services[0].component_type, "frontend");
  EXPECT_EQ(v.services[0].replicas, 1);
  EXPECT_TRUE(v.services[0].adapter_enabled);
  EXPECT_FALSE(v.services[0].multinode);
  EXPECT_EQ(v.services[0].pods_per_group(), 1);
  const ServiceView* decode = v.find_service("decode");
  ASSERT_NE(decode, nullptr);
  EXPECT_EQ(decode->resources.limits.gpu, "1");
  EXPECT_EQ(v.find_service("Decode"), nullptr);
}

TEST(DgdView, ReplicasAbsentMeansOneAndZeroIsKept) {
  auto r = parse_yaml(R"(
metadata: {name: d}
spec:
  services:
    a: {componentType: worker}
    b: {replicas: 0}
)");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(r.view.find_service("a")->replicas, 1);
  EXPECT_FALSE(r.view.find_service("a")->replicas_set);
  EXPECT_EQ(r.view.find_service("b")->replicas, 0);
  EXPECT_TRUE(r.view.find_service("b")->replicas_set);
}

TEST(DgdView, AdapterDisabledEitherSpelling) {
  auto r = parse_yaml(R"(
metadata: {name: d}
spec:
  services:
    guide: {scalingAdapter: {disable: true}}
    later: {scalingAdapter: {enabled: false}}
    on1: {scalingAdapter: {disable: false}}
    on2: {scalingAdapter: {enabled: true}}
    on3: {}
)");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_FALSE(r.view.find_service("guide")->adapter_enabled);
  EXPECT_FALSE(r.view.find_service("later")->adapter_enabled);
  EXPECT_TRUE(r.view.find_service("on1")->adapter_enabled);
  EXPECT_TRUE(r.view.find_service("on2")->adapter_enabled);
  EXPECT_TRUE(r.view.find_service("on3")->adapter_enabled);
}

TEST(DgdView, MultinodeNodeCountDefaultsToTwo) {
  auto r = parse_yaml(R"(
metadata: {name: d}
spec:
  services:
    a: {multinode: {}}
    b: {multinode: {nodeCount: 4}}
)");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_TRUE(r.view.find_service("a")->multinode);
  EXPECT_EQ(r.view.find_service("a")->pods_per_group(), 2);
  EXPECT_EQ(r.view.find_service("b")->pods_per_group(), 4);
}

TEST(DgdView, ReadsEveryFieldThePluginsUse) {
  auto r = parse_yaml(R"(
metadata: {name: d, generation: 7}
spec:
  backendFramework: vllm
  envs: [{name: A, value: "1"}]
  services:
    w:
      componentType: worker
      subComponentType: prefill
      resources:
        requests: {cpu: "2", memory: 40Gi, custom: {example.com/fpga: "1"}}
        limits: {gpu: "2", gpuType: nvidia.com/mig-1g.10gb}
      envs: [{name: B, value: x}]
      envFromSecret: hf
      extraPodSpec:
        tolerations: [{key: k, operator: Exists}]
        mainContainer: {image: img, args: [--x]}
      extraPodMetadata: {labels: {team: t}, annotations: {note: n}}
      labels: {l: v}
      annotations: {a: b}
      livenessProbe: {httpGet: {path: /live, port: 9090}}
      readinessProbe: {httpGet: {path: /ready, port: 9090}}
      autoscaling: {enabled: true}
)");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(r.view.generation, 7);
  EXPECT_EQ(r.view.backend_framework, "vllm");
  EXPECT_EQ(r.view.envs.size(), 1u);
  const ServiceView& w = r.view.services.at(0);
  EXPECT_EQ(w.sub_component_type, "prefill");
  EXPECT_EQ(w.resources.requests.cpu, "2");
  EXPECT_EQ(w.resources.requests.memory, "40Gi");
  EXPECT_EQ(w.resources.requests.custom.at("example.com/fpga"), "1");
  EXPECT_EQ(w.resources.limits.gpu, "2");
  EXPECT_EQ(w.resources.limits.gpu_type, "nvidia.com/mig-1g.10gb");
  EXPECT_EQ(w.envs.size(), 1u);
  EXPECT_EQ(w.env_from_secret, "hf");
  EXPECT_FALSE(w.extra_pod_spec.contains("mainContainer"));
  EXPECT_TRUE(w.extra_pod_spec.contains("tolerations"));
  EXPECT_EQ(w.main_container.at("image").as_string(), "img");
  EXPECT_EQ(w.extra_pod_labels.at("team"), "t");
  EXPECT_EQ(w.extra_pod_annotations.at("note"), "n");
  EXPECT_EQ(w.labels.at("l"), "v");
  EXPECT_EQ(w.annotations.at("a"), "b");
  EXPECT_FALSE(w.liveness_probe.empty());
  EXPECT_FALSE(w.readiness_probe.empty());
  EXPECT_TRUE(w.has_autoscaling);
}

TEST(DgdView, ErrorsNameTheFieldPath) {
  auto r = parse_yaml(R"(
metadata: {name: d}
spec:
  services:
    decode:
      replicas: -1
      multinode: {nodeCount: 1}
      resources: {limits: {gpu: "1.5"}}
      scalingAdapter: {disable: "yes"}
      envs: [{value: x}]
)");
  ASSERT_FALSE(r.ok());
  std::string all = errors_of(r);
  EXPECT_NE(all.find("spec.services[decode].replicas: Invalid value: -1: must be greater than or "
                     "equal to 0"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("spec.services[decode].multinode.nodeCount: Invalid value: 1"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("spec.services[decode].resources.limits.gpu: Invalid value: \"1.5\""),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("spec.services[decode].scalingAdapter.disable: Invalid value: \"yes\": must "
                     "be a boolean"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("spec.services[decode].envs[0].name: Required value"), std::string::npos)
      << all;
  // The view still carries the metadata a status write needs.
  EXPECT_EQ(r.view.name, "d");
}

TEST(DgdView, ResourceFiguresAreQuantities) {
  auto r = parse_yaml(R"(
metadata: {name: d}
spec:
  services:
    w:
      resources:
        requests: {cpu: lots, memory: "-1Gi", custom: {example.com/x: "2Q"}}
        limits: {gpu: "2", gpuType: "not a resource name"}
)");
  ASSERT_FALSE(r.ok());
  std::string all = errors_of(r);
  EXPECT_NE(all.find("spec.services[w].resources.requests.cpu: Invalid value: \"lots\": quantities "
                     "must match the regular expression"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("spec.services[w].resources.requests.memory: Invalid value: \"-1Gi\": must "
                     "be greater than or equal to 0"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("spec.services[w].resources.requests.custom[example.com/x]: Invalid value"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("spec.services[w].resources.limits.gpuType: Invalid value"), std::string::npos)
      << all;
  EXPECT_EQ(all.find("limits.gpu:"), std::string::npos) << all;  // "2" is fine
}

TEST(DgdView, VolumeMountsNameClaimsOfSpecPvcs) {
  auto ok = parse_yaml(R"(
metadata: {name: d}
spec:
  pvcs: [{name: cache, create: true, size: 100Gi, storageClass: fast,
          volumeAccessMode: ReadWriteMany}]
  services:
    w: {volumeMounts: [{name: cache, mountPoint: /cache}], sharedMemory: {size: 8Gi}}
)");
  ASSERT_TRUE(ok.ok()) << errors_of(ok);
  EXPECT_EQ(ok.view.pvcs.at(0).size, "100Gi");
  EXPECT_EQ(ok.view.services[0].volume_mounts.at(0).mount_point, "/cache");
  EXPECT_TRUE(ok.view.services[0].shared_memory.set);
  EXPECT_EQ(ok.view.services[0].shared_memory.size, "8Gi");
  auto bad = parse_yaml(R"(
metadata: {name: d}
spec:
  services:
    w: {volumeMounts: [{name: nope, mountPoint: /x}, {name: y}]}
)");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(errors_of(bad).find("spec.services[w].volumeMounts[0].name: Not found: \"nope\""),
            std::string::npos)
      << errors_of(bad);
  EXPECT_NE(errors_of(bad).find("spec.services[w].volumeMounts[1].mountPoint: Required value"),
            std::string::npos)
      << errors_of(bad);
}

TEST(DgdView, ClaimsToCreateNeedSizeClassAndAccessMode) {
  auto ok = parse_yaml(R"(
metadata: {name: d}
spec:
  pvcs:
    - {name: made, create: true, size: 10, storageClass: fast, volumeAccessMode: ReadWriteOnce}
    - {name: users-own}
    - {name: not-made, create: false}
  services: {w: {}}
)");
  ASSERT_TRUE(ok.ok()) << errors_of(ok);
  ASSERT_EQ(ok.view.pvcs.size(), 3u);
  EXPECT_TRUE(ok.view.pvcs[0].create);
  EXPECT_EQ(ok.view.pvcs[0].size, "10");
  EXPECT_EQ(ok.view.pvcs[0].storage_class, "fast");
  EXPECT_EQ(ok.view.pvcs[0].access_mode, "ReadWriteOnce");
  EXPECT_FALSE(ok.view.pvcs[1].create);

  auto bad = parse_yaml(R"(
metadata: {name: d}
spec:
  pvcs:
    - {name: a, create: true, size: 10Gi}
    - {name: b, create: true, size: 1Gi, storageClass: s, volumeAccessMode: ReadWriteSometimes}
    - {name: Not_A_Name}
  services: {w: {}}
)");
  EXPECT_EQ(errors_of(bad),
            "[spec.pvcs[0].storageClass: Required value: required when create is true, "
            "spec.pvcs[0].volumeAccessMode: Required value: required when create is true, "
            "spec.pvcs[1].volumeAccessMode: Unsupported value: \"ReadWriteSometimes\": supported "
            "values: \"ReadWriteOnce\", \"ReadOnlyMany\", \"ReadWriteMany\", "
            "\"ReadWriteOncePod\", "
            "spec.pvcs[2].name: Invalid value: \"Not_A_Name\": a lowercase RFC 1123 subdomain "
            "must consist of lower case alphanumeric characters, '-' or '.', and must start and "
            "end with an alphanumeric character (e.g. 'example.com', regex used for validation "
            "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')]");
  EXPECT_TRUE(bad.view.pvcs.empty());
}

TEST(DgdView, CompilationCacheMountPointDefaultsByBackend) {
  auto ok = parse_yaml(R"(
metadata: {name: d}
spec:
  backendFramework: vllm
  pvcs: [{name: cache}]
  services:
    w: {volumeMounts: [{name: cache, useAsCompilationCache: true}]}
    x: {volumeMounts: [{name: cache, mountPoint: /mine, useAsCompilationCache: true}]}
)");
  ASSERT_TRUE(ok.ok()) << errors_of(ok);
  EXPECT_EQ(ok.view.services[0].volume_mounts.at(0).mount_point, "/root/.cache/vllm");
  EXPECT_TRUE(ok.view.services[0].volume_mounts.at(0).use_as_compilation_cache);
  EXPECT_EQ(ok.view.services[1].volume_mounts.at(0).mount_point, "/mine");
  EXPECT_EQ(compilation_cache_mount_point("sglang"), "/root/.cache/sglang");
  EXPECT_EQ(compilation_cache_mount_point(""), "");

  // No backend, no default: said, not guessed.
  auto bad = parse_yaml(R"(
metadata: {name: d}
spec:
  pvcs: [{name: cache}]
  services:
    w: {volumeMounts: [{name: cache, useAsCompilationCache: true}]}
)");
  EXPECT_EQ(errors_of(bad),
            "spec.services[w].volumeMounts[0].mountPoint: Required value: a compilation cache has "
            "a default mount point only when spec.backendFramework is set (sglang, vllm or "
            "trtllm); set one of them");
}

TEST(DgdView, AtLeastOneService) {
  auto r = parse_yaml("metadata: {name: d}\nspec: {services: {}}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(errors_of(r), "spec.services: Required value: at least one service is required");
  auto none = parse_yaml("metadata: {name: d}\nspec: {}\n");
  EXPECT_FALSE(none.ok());
}

TEST(DgdView, ServicesDifferingOnlyInCaseAreRefused) {
  auto r = parse_yaml(R"(
metadata: {name: d}
spec:
  services:
    decode: {}
    Decode: {}
)");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errors_of(r).find("spec.services[Decode]: Duplicate value"), std::string::npos)
      << errors_of(r);
  EXPECT_NE(errors_of(r).find("adapter d-decode"), std::string::npos);
}

TEST(DgdView, ServiceNameMustBeALabelValue) {
  auto r = parse_yaml(R"(
metadata: {name: d}
spec:
  services:
    "bad name": {}
)");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errors_of(r).find("spec.services[bad name]: Invalid value"), std::string::npos);
}

TEST(DgdView, ComponentTypesMustBeLabelValues) {
  auto r = parse_yaml(R"(
metadata: {name: d}
spec: {services: {w: {componentType: "my worker", subComponentType: decode}}}
)");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errors_of(r).find("spec.services[w].componentType: Invalid value: \"my worker\""),
            std::string::npos)
      << errors_of(r);
}

TEST(DgdView, PodLabelsAndAnnotationsAreValidated) {
  auto r = parse_yaml(R"(
metadata: {name: d}
spec:
  services:
    w:
      labels: {"bad key!": v}
      extraPodMetadata: {labels: {team: "not valid!"}}
)");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errors_of(r).find("spec.services[w].labels"), std::string::npos) << errors_of(r);
  EXPECT_NE(errors_of(r).find("spec.services[w].extraPodMetadata.labels"), std::string::npos)
      << errors_of(r);
}

TEST(DgdView, UnknownBackendFramework) {
  auto r = parse_yaml("metadata: {name: d}\nspec: {backendFramework: tgi, services: {a: {}}}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errors_of(r).find("spec.backendFramework: Unsupported value: \"tgi\""),
            std::string::npos);
}

TEST(DgdView, TooManyServices) {
  std::string yaml = "metadata: {name: d}\nspec:\n  services:\n";
  for (int i = 0; i < 26; ++i) yaml += "    s" + std::to_string(i) + ": {}\n";
  auto r = parse_yaml(yaml);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errors_of(r).find("spec.services: Too many"), std::string::npos);
}

TEST(DgdView, DeletionAndStatusAreSeen) {
  auto r = parse_yaml(R"(
metadata: {name: d, deletionTimestamp: "2026-01-01T00:00:00Z"}
spec: {services: {a: {}}}
status: {state: pending}
)");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.view.deleting);
  EXPECT_EQ(r.view.status.at("state").as_string(), "pending");
}

TEST(DgdView, EveryUpstreamExampleIsValid) {
  for (const char* file : {"sglang-agg.yaml", "sglang-agg_router.yaml", "sglang-disagg.yaml",
                           "sglang-disagg-multinode.yaml", "sglang-disagg_planner.yaml"}) {
    auto doc = testing::yaml_file_to_json(testing::upstream_example_path(file));
    if (!doc) GTEST_SKIP() << "upstream examples not available";
    DgdParseResult r = testing::parse_dgd_object(boost::json::value(testing::as_stored(*doc)));
    EXPECT_TRUE(r.ok()) << file << ": " << errors_of(r);
    EXPECT_GE(r.view.services.size(), 2u) << file;
  }
}

// Wrong types are reported with kube-apiserver's wording and the path users
// write; the view keeps reading the other fields.
struct BadField {
  std::string name;
  std::string yaml_services;  // the spec.services mapping, or a whole spec when it starts "spec:"
  std::string error;
};

void PrintTo(const BadField& bad, std::ostream* os) { *os << bad.name; }

class DgdViewTypeError : public ::testing::TestWithParam<BadField> {};

TEST_P(DgdViewTypeError, NamesTheFieldInBothParts) {
  const BadField& bad = GetParam();
  std::string yaml = "metadata: {name: d}\n";
  yaml += bad.yaml_services.rfind("spec:", 0) == 0 ? bad.yaml_services
                                                   : "spec: {services: " + bad.yaml_services + "}";
  for (DgdParts parts : {DgdParts::kScaling, DgdParts::kAll}) {
    DgdParseResult r = testing::parse_dgd_object(dgd_from_yaml(yaml), parts);
    EXPECT_NE(errors_of(r).find(bad.error), std::string::npos) << errors_of(r);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fields, DgdViewTypeError,
    ::testing::Values(
        BadField{"SpecList", "spec: []", "spec: Invalid value: []: must be an object"},
        BadField{"ServicesList", "spec: {services: []}",
                 "spec.services: Invalid value: []: must be an object"},
        BadField{"ServiceString", "{decode: x}",
                 "spec.services[decode]: Invalid value: \"x\": must be an object"},
        BadField{"ReplicasString", "{decode: {replicas: \"3\"}}",
                 "spec.services[decode].replicas: Invalid value: \"3\": must be an integer"},
        BadField{"ReplicasFraction", "{decode: {replicas: 1.5}}",
                 "spec.services[decode].replicas: Invalid value: 1.5: must be an integer"},
        BadField{"ReplicasTooBig", "{decode: {replicas: 3000000000}}",
                 "spec.services[decode].replicas: Invalid value: 3000000000: must be at most "
                 "2147483647"},
        BadField{"ScalingAdapterBool", "{decode: {scalingAdapter: true}}",
                 "spec.services[decode].scalingAdapter: Invalid value: true: must be an object"},
        BadField{"EnabledNumber", "{decode: {scalingAdapter: {enabled: 0}}}",
                 "spec.services[decode].scalingAdapter.enabled: Invalid value: 0: must be a "
                 "boolean"},
        BadField{"MultinodeNumber", "{decode: {multinode: 2}}",
                 "spec.services[decode].multinode: Invalid value: 2: must be an object"},
        BadField{"BackendNumber", "spec: {backendFramework: 1, services: {a: {}}}",
                 "spec.backendFramework: Invalid value: 1: must be a string"},
        BadField{"ComponentTypeList", "{decode: {componentType: [worker]}}",
                 "spec.services[decode].componentType: Invalid value: [\"worker\"]: must be a "
                 "string"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(DgdView, WholeNumbersWrittenAsFloatsAreIntegers) {
  // YAML and JSON tools write 2.0; Go's decoder accepts it into an int32.
  auto r = testing::parse_dgd_object(boost::json::parse(
      R"({"metadata":{"name":"d"},"spec":{"services":{"a":{"replicas":2.0}}}})"));
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(r.view.find_service("a")->replicas, 2);
}

TEST(DgdView, ScalingPartsReadNoPodTemplate) {
  const char* yaml = R"(
metadata: {name: d, namespace: ns, uid: u1, resourceVersion: "9", generation: 3}
spec:
  backendFramework: sglang
  envs: [{value: no-name}]
  pvcs: [{name: Not_A_Name}]
  services:
    decode:
      componentType: worker
      subComponentType: decode
      replicas: 4
      multinode: {nodeCount: 3}
      scalingAdapter: {enabled: false}
      autoscaling: {enabled: true}
      resources: {limits: {gpu: "1.5"}}
      extraPodSpec: {mainContainer: {image: img}}
      labels: {"bad key!": v}
status: {state: pending}
)";
  DgdParseResult scaling = testing::parse_dgd_object(dgd_from_yaml(yaml), DgdParts::kScaling);
  // Pod template parts are neither read nor judged.
  ASSERT_TRUE(scaling.ok()) << errors_of(scaling);
  const DgdView& v = scaling.view;
  EXPECT_EQ(v.name, "d");
  EXPECT_EQ(v.k8s_namespace, "ns");
  EXPECT_EQ(v.uid, "u1");
  EXPECT_EQ(v.resource_version, "9");
  EXPECT_EQ(v.generation, 3);
  EXPECT_EQ(v.backend_framework, "sglang");
  EXPECT_TRUE(v.envs.empty());
  EXPECT_TRUE(v.pvcs.empty());
  EXPECT_TRUE(v.status.empty());
  const ServiceView& decode = v.services.at(0);
  EXPECT_EQ(decode.component_type, "worker");
  EXPECT_EQ(decode.sub_component_type, "decode");
  EXPECT_EQ(decode.replicas, 4);
  EXPECT_EQ(decode.pods_per_group(), 3);
  EXPECT_FALSE(decode.adapter_enabled);
  EXPECT_TRUE(decode.has_autoscaling);
  EXPECT_TRUE(decode.resources.limits.gpu.empty());
  EXPECT_TRUE(decode.main_container.empty());

  // The same object read whole: the same scaling fields, and what is wrong elsewhere.
  DgdParseResult all = testing::parse_dgd_object(dgd_from_yaml(yaml), DgdParts::kAll);
  EXPECT_EQ(all.view.services.at(0).replicas, 4);
  EXPECT_FALSE(all.view.services.at(0).adapter_enabled);
  EXPECT_EQ(all.view.status.at("state").as_string(), "pending");
  EXPECT_NE(errors_of(all).find("spec.envs[0].name: Required value"), std::string::npos);
  EXPECT_NE(errors_of(all).find("spec.pvcs[0].name: Invalid value"), std::string::npos);
  EXPECT_NE(errors_of(all).find("spec.services[decode].resources.limits.gpu"), std::string::npos);
  EXPECT_NE(errors_of(all).find("spec.services[decode].labels"), std::string::npos);
}

TEST(DgdView, ReadsAnElementOfAnotherDocument) {
  // The webhook reads request.object inside the AdmissionReview's own parse.
  apimachinery::JsonDecoder decoder;
  auto review = decoder.parse_view(
      R"({"request":{"object":{"metadata":{"name":"d"},"spec":{"services":{"a":{}}}}}})");
  ASSERT_TRUE(review.ok()) << review.error();
  simdjson::dom::element object;
  ASSERT_EQ((*review)["request"]["object"].get(object), simdjson::SUCCESS);
  DgdParseResult r = parse_dgd(object, DgdParts::kScaling);
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(r.view.name, "d");
  EXPECT_EQ(r.view.find_service("a")->replicas, 1);
}

TEST(DgdView, TextThatIsNotJsonIsAnError) {
  auto r = parse_dgd_json("{\"spec\":");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "invalid JSON at byte 8: incomplete JSON");
  auto list = parse_dgd_json("[]");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(errors_of(*list), ": Invalid value: []: must be an object");
}

}  // namespace
}  // namespace dynop::plugins::common
