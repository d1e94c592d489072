#include "plugins/dgd/pod_template.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "lib/apimachinery/validation.hpp"
#include "plugins/common/names.hpp"
#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;
using common::DgdParseResult;

struct Built {
  DgdParseResult parsed;
  PodTemplate tmpl;
};

Built build(std::string_view yaml, std::string_view service, PodTemplateConfig config = {}) {
  Built b{testing::parse_dgd_yaml(yaml), {}};
  EXPECT_TRUE(b.parsed.ok()) << common::format_field_errors(b.parsed.errors);
  const common::ServiceView* svc = b.parsed.view.find_service(service);
  EXPECT_NE(svc, nullptr);
  auto t = build_pod_template(b.parsed.view, *svc, config);
  EXPECT_TRUE(t.ok()) << t.error();
  if (t.ok()) b.tmpl = std::move(*t);
  return b;
}

const json::object& main_container(const json::object& pod) {
  for (const json::value& c : pod.at("spec").at("containers").as_array()) {
    if (c.at("name").as_string() == "main") return c.as_object();
  }
  throw std::runtime_error("no main container");
}

std::string env_value(const json::object& container, std::string_view name) {
  for (const json::value& e : container.at("env").as_array()) {
    if (e.at("name").as_string() == name) {
      const json::value* v = e.as_object().if_contains("value");
      return v != nullptr ? std::string(v->as_string()) : json::serialize(e);
    }
  }
  return "<absent>";
}

std::vector<std::string> env_names(const json::object& container) {
  std::vector<std::string> names;
  for (const json::value& e : container.at("env").as_array()) {
    names.emplace_back(e.at("name").as_string());
  }
  return names;
}

std::string label(const json::object& pod, std::string_view key) {
  const json::value* v = pod.at("metadata").at("labels").as_object().if_contains(key);
  return v != nullptr ? std::string(v->as_string()) : "<absent>";
}

constexpr std::string_view kAgg = R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: sglang-agg}
spec:
  services:
    Frontend: {componentType: frontend, replicas: 1}
    decode:
      componentType: worker
      replicas: 1
      resources: {limits: {gpu: "1"}}
)";

TEST(PodTemplate, ContractLabelsOnThePod) {
  Built b = build(kAgg, "decode");
  json::object pod = render_pod(b.tmpl, 0, 0);
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-graph-deployment-name"), "sglang-agg");
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-component"), "decode");
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-namespace"), "default-sglang-agg");
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-component-type"), "worker");
  EXPECT_EQ(label(pod, "nvidia.com/selector"), "sglang-agg-decode");
  EXPECT_EQ(label(pod, "nvidia.com/metrics-enabled"), "true");
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-pod-template-hash"), b.tmpl.hash);
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-group-index"), "0");
  EXPECT_EQ(pod.at("metadata").at("namespace").as_string(), "default");
  EXPECT_EQ(pod.at("apiVersion").as_string(), "v1");
  EXPECT_EQ(pod.at("kind").as_string(), "Pod");
}

TEST(PodTemplate, NameIsBaseHashIndex) {
  Built b = build(kAgg, "Frontend");
  json::object pod = render_pod(b.tmpl, 2, 0);
  std::string name(pod.at("metadata").at("name").as_string());
  EXPECT_EQ(name, "sglang-agg-frontend-" + b.tmpl.hash + "-2");
  EXPECT_TRUE(apimachinery::is_dns1123_label(name).empty());
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-group"), name);
}

TEST(PodTemplate, ControllerOwnerReferenceToTheDgd) {
  Built b = build(kAgg, "decode");
  json::object pod = render_pod(b.tmpl, 0, 0);
  const json::array& refs = pod.at("metadata").at("ownerReferences").as_array();
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].at("kind").as_string(), "DynamoGraphDeployment");
  EXPECT_EQ(refs[0].at("name").as_string(), "sglang-agg");
  EXPECT_EQ(refs[0].at("uid").as_string(), "uid-sglang-agg");
  EXPECT_TRUE(refs[0].at("controller").as_bool());
}

TEST(PodTemplate, InjectedEnvFirstThenSpecThenServiceWithServiceWinning) {
  Built b = build(R"(
metadata: {name: d}
spec:
  envs:
  - {name: SHARED, value: from-spec}
  - {name: ONLY_SPEC, value: s}
  services:
    w:
      componentType: worker
      envs:
      - {name: SHARED, value: from-service}
      - {name: DYN_NAMESPACE, value: user-tries-to-override}
)",
                  "w");
  const json::object& c = main_container(b.tmpl.pod);
  EXPECT_EQ(env_value(c, "DYN_NAMESPACE"), "default-d");
  EXPECT_EQ(env_value(c, "DYN_COMPONENT"), "w");
  EXPECT_EQ(env_value(c, "DYN_PARENT_DGD_K8S_NAME"), "d");
  EXPECT_EQ(env_value(c, "DYN_PARENT_DGD_K8S_NAMESPACE"), "default");
  EXPECT_EQ(env_value(c, "SHARED"), "from-service");
  EXPECT_EQ(env_value(c, "ONLY_SPEC"), "s");
  std::vector<std::string> names = env_names(c);
  ASSERT_EQ(names.size(), 6u);  // no duplicates
  EXPECT_EQ(names[0], "DYN_NAMESPACE");
  EXPECT_EQ(names[3], "DYN_PARENT_DGD_K8S_NAMESPACE");
}

TEST(PodTemplate, EnvFromSecret) {
  Built b = build(R"(
metadata: {name: d}
spec: {services: {w: {envFromSecret: hf-token-secret}}}
)",
                  "w");
  const json::object& c = main_container(b.tmpl.pod);
  ASSERT_TRUE(c.contains("envFrom"));
  EXPECT_EQ(json::serialize(c.at("envFrom")), R"([{"secretRef":{"name":"hf-token-secret"}}])");
}

TEST(PodTemplate, GpuLimitBecomesRequestAndLimit) {
  Built b = build(kAgg, "decode");
  const json::object& r = main_container(b.tmpl.pod).at("resources").as_object();
  EXPECT_EQ(r.at("limits").at("nvidia.com/gpu").as_string(), "1");
  EXPECT_EQ(r.at("requests").at("nvidia.com/gpu").as_string(), "1");
}

TEST(PodTemplate, GpuTypeCpuMemoryAndCustom) {
  Built b = build(R"(
metadata: {name: d}
spec:
  services:
    w:
      resources:
        requests: {cpu: "4", memory: 40Gi, gpu: "2", gpuType: nvidia.com/mig-3g.40gb}
        limits: {cpu: "8", memory: 80Gi, custom: {example.com/fpga: "1"}}
)",
                  "w");
  const json::object& r = main_container(b.tmpl.pod).at("resources").as_object();
  EXPECT_EQ(r.at("requests").at("cpu").as_string(), "4");
  EXPECT_EQ(r.at("requests").at("memory").as_string(), "40Gi");
  EXPECT_EQ(r.at("limits").at("cpu").as_string(), "8");
  EXPECT_EQ(r.at("limits").at("memory").as_string(), "80Gi");
  EXPECT_EQ(r.at("limits").at("example.com/fpga").as_string(), "1");
  EXPECT_EQ(r.at("requests").at("nvidia.com/mig-3g.40gb").as_string(), "2");
  EXPECT_EQ(r.at("limits").at("nvidia.com/mig-3g.40gb").as_string(), "2");
  EXPECT_FALSE(r.at("limits").as_object().contains("nvidia.com/gpu"));
}

TEST(PodTemplate, NoResourcesWithoutAnyFigure) {
  Built b = build(kAgg, "Frontend");
  EXPECT_FALSE(main_container(b.tmpl.pod).contains("resources"));
}

TEST(PodTemplate, ExtraPodSpecAndMainContainerAreMerged) {
  Built b = build(R"(
metadata: {name: d}
spec:
  envs: [{name: GLOBAL, value: g}]
  services:
    w:
      envs: [{name: A, value: from-service}]
      readinessProbe: {httpGet: {path: /health, port: 9090}}
      extraPodSpec:
        tolerations: [{key: gpu, operator: Exists}]
        volumes: [{name: data, emptyDir: {}}]
        containers:
        - {name: sidecar, image: side:1}
        - {name: main, workingDir: /from-containers}
        mainContainer:
          image: my-registry/sglang-runtime:my-tag
          command: [python3]
          args: [-m, dynamo.sglang]
          env: [{name: A, value: from-main-container}, {name: B, value: b}]
          volumeMounts: [{name: data, mountPath: /data}]
)",
                  "w");
  const json::object& spec = b.tmpl.pod.at("spec").as_object();
  EXPECT_EQ(spec.at("tolerations").as_array().size(), 1u);
  EXPECT_EQ(spec.at("volumes").as_array().size(), 1u);
  const json::array& containers = spec.at("containers").as_array();
  ASSERT_EQ(containers.size(), 2u);                         // main merged by name, sidecar added
  EXPECT_EQ(containers[0].at("name").as_string(), "main");  // main stays first
  const json::object& c = main_container(b.tmpl.pod);
  EXPECT_EQ(c.at("image").as_string(), "my-registry/sglang-runtime:my-tag");
  EXPECT_EQ(json::serialize(c.at("command")), R"(["python3"])");
  EXPECT_EQ(json::serialize(c.at("args")), R"(["-m","dynamo.sglang"])");
  EXPECT_EQ(c.at("workingDir").as_string(), "/from-containers");
  EXPECT_EQ(env_value(c, "A"), "from-main-container");  // env merged by name
  EXPECT_EQ(env_value(c, "B"), "b");
  EXPECT_EQ(env_value(c, "GLOBAL"), "g");
  EXPECT_EQ(c.at("volumeMounts").as_array().size(), 1u);
  EXPECT_EQ(c.at("readinessProbe").at("httpGet").at("path").as_string(), "/health");
  // spec.envs reach sidecars too.
  EXPECT_EQ(env_value(containers[1].as_object(), "GLOBAL"), "g");
}

TEST(PodTemplate, MainContainerGetsThePortItsServiceTargets) {
  constexpr std::string_view kDgd = R"(
metadata: {name: d}
spec:
  services:
    Frontend: {componentType: frontend}
    decode: {componentType: worker}
    Planner: {componentType: planner}
    custom:
      componentType: worker
      extraPodSpec: {mainContainer: {ports: [{name: system, containerPort: 9345}]}}
)";
  auto port_of = [&](std::string_view service) {
    Built b = build(kDgd, service);
    return json::serialize(main_container(b.tmpl.pod).at("ports"));
  };
  EXPECT_EQ(port_of("Frontend"), R"([{"name":"http","containerPort":8000,"protocol":"TCP"}])");
  EXPECT_EQ(port_of("decode"), R"([{"name":"system","containerPort":9090,"protocol":"TCP"}])");
  EXPECT_EQ(port_of("Planner"), R"([{"name":"metrics","containerPort":9085,"protocol":"TCP"}])");
  // A port the user declares under that name stays as it is.
  EXPECT_EQ(port_of("custom"), R"([{"name":"system","containerPort":9345}])");
}

TEST(PodTemplate, UnmergeableExtraPodSpecNamesTheField) {
  auto parsed = testing::parse_dgd_yaml(R"(
metadata: {name: d}
spec: {services: {w: {extraPodSpec: {containers: [{image: no-name}]}}}}
)");
  ASSERT_TRUE(parsed.ok());
  auto t = build_pod_template(parsed.view, parsed.view.services[0], {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().find("spec.services[w].extraPodSpec: "), std::string::npos) << t.error();
  EXPECT_NE(t.error().find("name"), std::string::npos) << t.error();
}

TEST(PodTemplate, PvcMountsAndSharedMemory) {
  Built b = build(R"(
metadata: {name: d}
spec:
  pvcs: [{name: model-cache}]
  services:
    w:
      volumeMounts: [{name: model-cache, mountPoint: /models}]
      sharedMemory: {size: 16Gi}
)",
                  "w");
  const json::object& spec = b.tmpl.pod.at("spec").as_object();
  EXPECT_EQ(json::serialize(spec.at("volumes")),
            R"([{"name":"model-cache","persistentVolumeClaim":{"claimName":"model-cache"}},)"
            R"({"name":"shared-memory","emptyDir":{"medium":"Memory","sizeLimit":"16Gi"}}])");
  EXPECT_EQ(json::serialize(main_container(b.tmpl.pod).at("volumeMounts")),
            R"([{"name":"model-cache","mountPath":"/models"},)"
            R"({"name":"shared-memory","mountPath":"/dev/shm"}])");
  Built off =
      build("metadata: {name: d}\nspec: {services: {w: {sharedMemory: {disabled: true}}}}\n", "w");
  EXPECT_FALSE(off.tmpl.pod.at("spec").as_object().contains("volumes"));
}

TEST(PodTemplate, DefaultImageWhenNoneGiven) {
  PodTemplateConfig config;
  config.default_image = "example/runtime:1";
  Built b = build(kAgg, "decode", config);
  EXPECT_EQ(main_container(b.tmpl.pod).at("image").as_string(), "example/runtime:1");
}

TEST(PodTemplate, SchedulerNameFromConfig) {
  // By default the host's gpu-scheduler places the pods.
  Built b = build(kAgg, "decode");
  EXPECT_EQ(b.tmpl.pod.at("spec").at("schedulerName").as_string(), "dynop-gpu-scheduler");
  PodTemplateConfig config;
  config.scheduler_name = "other-scheduler";
  Built other = build(kAgg, "decode", config);
  EXPECT_EQ(other.tmpl.pod.at("spec").at("schedulerName").as_string(), "other-scheduler");
  config.scheduler_name = "";  // the cluster's default scheduler
  Built plain = build(kAgg, "decode", config);
  EXPECT_FALSE(plain.tmpl.pod.at("spec").as_object().contains("schedulerName"));
}

TEST(PodTemplate, PlannerRunsAsPlannerServiceAccount) {
  Built b = build(R"(
metadata: {name: d}
spec: {services: {Planner: {componentType: planner}, w: {componentType: worker}}}
)",
                  "Planner");
  EXPECT_EQ(b.tmpl.pod.at("spec").at("serviceAccountName").as_string(), "planner-serviceaccount");
  Built w = build(R"(
metadata: {name: d}
spec: {services: {Planner: {componentType: planner}, w: {componentType: worker}}}
)",
                  "w");
  EXPECT_FALSE(w.tmpl.pod.at("spec").as_object().contains("serviceAccountName"));
}

TEST(PodTemplate, ExtraPodMetadataAndServiceLabelsButContractLabelsWin) {
  Built b = build(R"(
metadata: {name: d}
spec:
  services:
    w:
      labels: {team: a, nvidia.com/dynamo-component: hijack}
      annotations: {x: "1"}
      extraPodMetadata:
        labels: {team: b}
        annotations: {y: "2"}
)",
                  "w");
  json::object pod = render_pod(b.tmpl, 0, 0);
  EXPECT_EQ(label(pod, "team"), "b");
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-component"), "w");
  const json::object& ann = pod.at("metadata").at("annotations").as_object();
  EXPECT_EQ(ann.at("x").as_string(), "1");
  EXPECT_EQ(ann.at("y").as_string(), "2");
}

TEST(PodTemplate, MultinodeRolesRanksAndGroup) {
  Built b = build(R"(
metadata: {name: d}
spec:
  services:
    decode:
      multinode: {nodeCount: 3}
      resources: {limits: {gpu: "4"}}
)",
                  "decode");
  EXPECT_EQ(b.tmpl.pods_per_group, 3);
  json::object leader = render_pod(b.tmpl, 1, 0);
  json::object worker = render_pod(b.tmpl, 1, 2);
  std::string group = "d-decode-" + b.tmpl.hash + "-1";
  EXPECT_EQ(leader.at("metadata").at("name").as_string(), group + "-0");
  EXPECT_EQ(worker.at("metadata").at("name").as_string(), group + "-2");
  EXPECT_EQ(label(leader, "nvidia.com/dynamo-multinode-role"), "leader");
  EXPECT_EQ(label(worker, "nvidia.com/dynamo-multinode-role"), "worker");
  EXPECT_EQ(label(worker, "nvidia.com/dynamo-multinode-rank"), "2");
  EXPECT_EQ(label(worker, "nvidia.com/dynamo-group"), group);
  EXPECT_EQ(label(worker, "nvidia.com/dynamo-group-index"), "1");
  const json::object& wc = main_container(worker);
  EXPECT_EQ(env_value(wc, "DYN_MULTINODE_ROLE"), "worker");
  EXPECT_EQ(env_value(wc, "DYN_MULTINODE_RANK"), "2");
  EXPECT_EQ(env_value(wc, "DYN_MULTINODE_NODE_COUNT"), "3");
  EXPECT_EQ(env_value(wc, "DYN_MULTINODE_LEADER"), group + "-0");
  // GPUs are per pod.
  EXPECT_EQ(wc.at("resources").at("limits").at("nvidia.com/gpu").as_string(), "4");
}

TEST(PodTemplate, HashChangesWithTheSpecButNotWithReplicas) {
  constexpr std::string_view kBase = R"(
metadata: {name: d}
spec:
  services:
    w:
      replicas: REPLICAS
      extraPodSpec: {mainContainer: {image: IMAGE}}
)";
  auto make = [&](std::string replicas, std::string image) {
    std::string yaml(kBase);
    yaml.replace(yaml.find("REPLICAS"), 8, replicas);
    yaml.replace(yaml.find("IMAGE"), 5, image);
    return build(yaml, "w").tmpl.hash;
  };
  std::string h = make("1", "img:1");
  EXPECT_EQ(h, make("5", "img:1"));
  EXPECT_EQ(h, make("0", "img:1"));
  EXPECT_NE(h, make("1", "img:2"));
  EXPECT_EQ(h, make("1", "img:1"));  // stable
  EXPECT_FALSE(h.empty());
  EXPECT_LE(h.size(), 10u);
}

TEST(PodTemplate, HashIgnoresKeyOrder) {
  Built a = build(R"(
metadata: {name: d}
spec: {services: {w: {extraPodSpec: {nodeSelector: {a: "1", b: "2"}}}}}
)",
                  "w");
  Built b = build(R"(
metadata: {name: d}
spec: {services: {w: {extraPodSpec: {nodeSelector: {b: "2", a: "1"}}}}}
)",
                  "w");
  EXPECT_EQ(a.tmpl.hash, b.tmpl.hash);
}

TEST(PodTemplate, HashChangesWithNodeCount) {
  Built two =
      build("metadata: {name: d}\nspec: {services: {w: {multinode: {nodeCount: 2}}}}\n", "w");
  Built four =
      build("metadata: {name: d}\nspec: {services: {w: {multinode: {nodeCount: 4}}}}\n", "w");
  EXPECT_NE(two.tmpl.hash, four.tmpl.hash);
}

TEST(PodTemplate, LongNamesStayValid) {
  std::string yaml = "metadata: {name: " + std::string(120, 'x') +
                     "}\nspec: {services: {AVeryLongServiceNameForTesting: {multinode: {}}}}\n";
  Built b = build(yaml, "AVeryLongServiceNameForTesting");
  json::object pod = render_pod(b.tmpl, 12345, 1);
  std::string name(pod.at("metadata").at("name").as_string());
  EXPECT_TRUE(apimachinery::is_dns1123_label(name).empty()) << name;
  for (const auto& [k, v] : pod.at("metadata").at("labels").as_object()) {
    EXPECT_TRUE(apimachinery::is_valid_label_value(v.as_string()).empty()) << k << "=" << v;
  }
}

}  // namespace
}  // namespace dynop::plugins::dgd
