#include "localcluster/tables/table.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "localcluster/builtin/builtin_resource_types.hpp"
#include "localcluster/registry/crd_resource_types.hpp"
#include "tests/unit/localcluster/schema/reference_data.hpp"

namespace dynop::localcluster::tables {
namespace {

namespace json = boost::json;
using std::chrono::seconds;

std::string traces() { return testing::reference_dir() + "/apiserver-traces/"; }
json::value trace_json(const std::string& name) {
  return json::parse(testing::read_file(traces() + name));
}

apimachinery::Timestamp at(const char* text, int plus_seconds) {
  return *apimachinery::parse_time(text) + seconds(plus_seconds);
}

const ResourceType& builtin(const std::string& group, const std::string& plural) {
  static const auto all = builtin::builtin_resource_types();
  for (const auto& t : all)
    if (t.group == group && t.plural == plural) return t;
  throw std::runtime_error("no built-in " + plural);
}

class TableTraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(traces())) GTEST_SKIP() << "no reference traces";
  }
};

TEST_F(TableTraceTest, DgdsaListMatchesTheTrace) {
  auto crd = testing::load_yaml_documents(testing::upstream_dir() +
                                          "/nvidia.com_dynamographdeploymentscalingadapters.yaml")
                 .at(0);
  default_crd(crd);
  const auto type = resource_types_from_crd(crd).at(0);
  auto full = trace_json("04-dgdsa-03c-list-as-table-includeObject-Object.json");
  auto want = trace_json("04-dgdsa-03-list-as-table.json");
  std::vector<const json::object*> items;
  for (const auto& row : full.at("rows").as_array()) items.push_back(&row.at("object").as_object());
  // The trace's AGE cells say 3s and 0s.
  const auto now =
      at(json::value_to<std::string>(items[0]->at("metadata").at("creationTimestamp")).c_str(), 3);
  auto got = table_for_list(type, items, {"214", "", std::nullopt}, IncludeObject::kMetadata, now);
  EXPECT_EQ(json::serialize(got.at("columnDefinitions")),
            json::serialize(want.at("columnDefinitions")));
  ASSERT_EQ(got.at("rows").as_array().size(), want.at("rows").as_array().size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(got.at("rows").at(i).at("cells"), want.at("rows").at(i).at("cells")) << i;
    EXPECT_EQ(got.at("rows").at(i).at("object").at("kind"), "PartialObjectMetadata");
    EXPECT_EQ(got.at("rows").at(i).at("object").at("metadata"), items[i]->at("metadata"));
  }
  EXPECT_EQ(got.at("kind"), "Table");
  EXPECT_EQ(got.at("metadata"), want.at("metadata"));

  auto with_object =
      table_for_list(type, items, {"214", "", std::nullopt}, IncludeObject::kObject, now);
  EXPECT_EQ(with_object.at("rows").at(0).at("object"), full.at("rows").at(0).at("object"));
}

TEST_F(TableTraceTest, WatchEventTablesDropColumnDefinitionsAfterTheFirst) {
  ResourceType type;
  type.kind = "Widget";
  type.crd_name = "widgets.example.com";
  auto obj =
      json::parse(
          R"({"metadata":{"name":"w","resourceVersion":"7","creationTimestamp":"2026-11-28T00:00:00Z"}})")
          .as_object();
  auto first =
      table_for_object(type, obj, IncludeObject::kMetadata, at("2026-11-28T00:00:00Z", 65));
  auto later =
      table_for_object(type, obj, IncludeObject::kMetadata, at("2026-11-28T00:00:00Z", 65), false);
  EXPECT_EQ(first.at("metadata").at("resourceVersion"), "7");
  EXPECT_EQ(first.at("columnDefinitions").as_array().size(), 2u);  // Name, Age
  EXPECT_EQ(first.at("columnDefinitions").at(1).at("name"), "Age");
  EXPECT_TRUE(later.at("columnDefinitions").is_null());
  EXPECT_EQ(first.at("rows").at(0).at("cells"), json::parse(R"(["w","65s"])"));
}

TEST_F(TableTraceTest, PodsNodesAndServicesLikeKube) {
  auto want = trace_json("10-table-01-pods.json");
  auto pod =
      json::parse(
          R"({"metadata":{"name":"gpu-worker-0","namespace":"default","creationTimestamp":"2026-11-28T01:15:00Z"},
    "spec":{"nodeName":"gpu-node-1","containers":[{"name":"worker","image":"x"}]},
    "status":{"phase":"Running","podIP":"10.244.1.5","conditions":[{"type":"Ready","status":"True"}],
      "containerStatuses":[{"name":"worker","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2026-11-28T01:15:05Z"}}}]}})")
          .as_object();
  auto pending =
      json::parse(R"({"metadata":{"name":"gpu-worker-2","creationTimestamp":"2026-11-28T01:15:00Z"},
    "spec":{"containers":[{"name":"worker","image":"x"}]},"status":{"phase":"Pending"}})")
          .as_object();
  const auto now = at("2026-11-28T01:15:00Z", 14);
  const auto& pods = builtin("", "pods");
  auto table = table_for_list(pods, {&pod, &pending}, {"211", "", std::nullopt},
                              IncludeObject::kMetadata, now);
  EXPECT_EQ(json::serialize(table.at("columnDefinitions")),
            json::serialize(want.at("columnDefinitions")));
  EXPECT_EQ(table.at("rows").at(0).at("cells"), want.at("rows").at(0).at("cells"));
  EXPECT_EQ(table.at("rows").at(1).at("cells"), want.at("rows").at(2).at("cells"));

  auto node_want = trace_json("10-table-02-nodes.json");
  auto node =
      json::parse(
          R"({"metadata":{"name":"gpu-node-1","creationTimestamp":"2026-11-28T01:15:00Z","labels":{"kubernetes.io/os":"linux"}},
    "spec":{"taints":[{"key":"node.kubernetes.io/not-ready","effect":"NoSchedule"}]},
    "status":{"conditions":[{"type":"Ready","status":"True"}],"addresses":[{"type":"InternalIP","address":"10.1.0.11"},{"type":"Hostname","address":"gpu-node-1"}],
      "nodeInfo":{"kernelVersion":"5.15.0-105-generic","osImage":"Ubuntu 22.04.4 LTS","containerRuntimeVersion":"containerd://1.7.13","kubeletVersion":"v1.26.1"}}})")
          .as_object();
  auto nt = table_for_object(builtin("", "nodes"), node, IncludeObject::kMetadata, now);
  EXPECT_EQ(json::serialize(nt.at("columnDefinitions")),
            json::serialize(node_want.at("columnDefinitions")));
  EXPECT_EQ(nt.at("rows").at(0).at("cells"), node_want.at("rows").at(0).at("cells"));

  auto svc_want = trace_json("10-table-07-services.json");
  auto svc =
      json::parse(R"({"metadata":{"name":"gpu-worker","creationTimestamp":"2026-11-28T01:15:00Z"},
    "spec":{"type":"ClusterIP","clusterIP":"10.0.0.170","selector":{"app":"gpu-worker"},"ports":[{"port":8000,"protocol":"TCP","targetPort":8000}]}})")
          .as_object();
  auto st = table_for_object(builtin("", "services"), svc, IncludeObject::kMetadata,
                             at("2026-11-28T01:15:00Z", 15));
  EXPECT_EQ(st.at("rows").at(0).at("cells"), svc_want.at("rows").at(0).at("cells"));
}

TEST_F(TableTraceTest, CountsPvcsEventsAndLeasesLikeKube) {
  const auto now = at("2026-11-28T01:15:00Z", 14);
  auto cm =
      json::parse(
          R"({"metadata":{"name":"gpu-worker-config","creationTimestamp":"2026-11-28T01:15:00Z"},"data":{"a":"1","b":"2","c":"3"}})")
          .as_object();
  EXPECT_EQ(table_for_object(builtin("", "configmaps"), cm, IncludeObject::kMetadata, now)
                .at("rows")
                .at(0)
                .at("cells"),
            trace_json("10-table-04-configmaps.json").at("rows").at(0).at("cells"));
  auto secret =
      json::parse(
          R"({"metadata":{"name":"hf-token","creationTimestamp":"2026-11-28T01:15:00Z"},"type":"Opaque","data":{"a":"MQ==","b":"Mg=="}})")
          .as_object();
  EXPECT_EQ(table_for_object(builtin("", "secrets"), secret, IncludeObject::kMetadata, now)
                .at("rows")
                .at(0)
                .at("cells"),
            trace_json("10-table-05-secrets.json").at("rows").at(0).at("cells"));
  auto pvc =
      json::parse(R"({"metadata":{"name":"model-cache","creationTimestamp":"2026-11-28T01:15:00Z"},
    "spec":{"storageClassName":"fast-nvme","volumeMode":"Filesystem","accessModes":["ReadWriteOnce"]},"status":{"phase":"Pending"}})")
          .as_object();
  EXPECT_EQ(
      table_for_object(builtin("", "persistentvolumeclaims"), pvc, IncludeObject::kMetadata, now)
          .at("rows")
          .at(0)
          .at("cells"),
      trace_json("10-table-06-persistentvolumeclaims.json").at("rows").at(0).at("cells"));
  auto ev_want = trace_json("10-table-08-events.json");
  auto ev =
      json::parse(
          R"({"metadata":{"name":"gpu-worker-0.187c1a2b3c4d5e01","creationTimestamp":"2026-11-28T01:15:00Z"},
    "involvedObject":{"kind":"Pod","name":"gpu-worker-0","namespace":"default"},"reason":"FailedScheduling",
    "message":"0/2 nodes are available: 2 Insufficient nvidia.com/gpu.","type":"Warning","count":3,
    "firstTimestamp":"2026-11-28T01:15:00Z","lastTimestamp":"2026-11-28T01:15:00Z",
    "source":{"component":"dynop-gpu-scheduler"},"reportingComponent":"dynop-gpu-scheduler","reportingInstance":"dynop-gpu-scheduler-7d9f8-abcde"})")
          .as_object();
  auto et = table_for_object(builtin("", "events"), ev, IncludeObject::kMetadata,
                             at("2026-11-28T01:15:00Z", 20));
  EXPECT_EQ(json::serialize(et.at("columnDefinitions")),
            json::serialize(ev_want.at("columnDefinitions")));
  EXPECT_EQ(et.at("rows").at(0).at("cells"), ev_want.at("rows").at(0).at("cells"));
  auto sa =
      json::parse(R"({"metadata":{"name":"default","creationTimestamp":"2026-11-28T01:15:00Z"}})")
          .as_object();
  EXPECT_EQ(table_for_object(builtin("", "serviceaccounts"), sa, IncludeObject::kMetadata,
                             at("2026-11-28T01:15:00Z", 15))
                .at("rows")
                .at(0)
                .at("cells"),
            trace_json("10-table-09-serviceaccounts.json").at("rows").at(0).at("cells"));
  auto empty = table_for_list(builtin("coordination.k8s.io", "leases"), {},
                              {"211", "", std::nullopt}, IncludeObject::kMetadata, now);
  auto empty_want = trace_json("10-table-10b-leases-default-empty.json");
  EXPECT_EQ(json::serialize(empty), json::serialize(empty_want));
}

TEST(Tables, CrdsShowCreatedAtAndAcceptHeadersAreRecognised) {
  const auto& crds = builtin("apiextensions.k8s.io", "customresourcedefinitions");
  auto crd =
      json::parse(R"({"metadata":{"name":"a.b.c","creationTimestamp":"2026-11-28T00:40:10Z"}})")
          .as_object();
  auto t = table_for_object(crds, crd, IncludeObject::kNone, at("2026-11-28T00:40:10Z", 100));
  EXPECT_EQ(t.at("rows").at(0).at("cells"), json::parse(R"(["a.b.c","2026-11-28T00:40:10Z"])"));
  EXPECT_TRUE(t.at("rows").at(0).at("object").is_null());
  EXPECT_TRUE(
      wants_table("application/json;as=Table;v=v1;g=meta.k8s.io,application/"
                  "json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"));
  EXPECT_FALSE(wants_table("application/json"));
  EXPECT_EQ(parse_include_object(""), IncludeObject::kMetadata);
  EXPECT_EQ(parse_include_object("Object"), IncludeObject::kObject);
  EXPECT_FALSE(parse_include_object("All"));
}

}  // namespace
}  // namespace dynop::localcluster::tables

namespace dynop::localcluster::tables {
namespace {

// printers.go printHorizontalPodAutoscaler / formatHPAMetrics.
std::vector<std::string> hpa_cells(const char* spec, const char* status) {
  const auto& type = builtin("autoscaling", "horizontalpodautoscalers");
  json::object hpa{{"metadata", json::object{{"name", "keda-hpa-sglang-agg-decode-scaler"},
                                             {"creationTimestamp", "2026-01-01T00:00:00Z"}}},
                   {"spec", json::parse(spec)},
                   {"status", json::parse(status)}};
  auto table = table_for_object(type, hpa, IncludeObject::kNone, at("2026-01-01T00:00:00Z", 300));
  std::vector<std::string> out;
  for (const auto& cell : table.at("rows").at(0).at("cells").as_array()) {
    out.push_back(cell.is_string() ? std::string(cell.as_string()) : json::serialize(cell));
  }
  return out;
}

constexpr const char* kKedaSpec =
    R"({"scaleTargetRef":{"kind":"DynamoGraphDeploymentScalingAdapter","name":"sglang-agg-decode"},
  "minReplicas":1,"maxReplicas":10,
  "metrics":[{"type":"External","external":{"metric":{"name":"s0-prometheus"},"target":{"type":"AverageValue","averageValue":"500m"}}}]})";

TEST(HpaTable, KedaHpaColumnsAndAverageTarget) {
  EXPECT_EQ(hpa_cells(kKedaSpec, R"({"currentMetrics":null,"desiredReplicas":0})"),
            (std::vector<std::string>{"keda-hpa-sglang-agg-decode-scaler",
                                      "DynamoGraphDeploymentScalingAdapter/sglang-agg-decode",
                                      "<unknown>/500m (avg)", "1", "10", "0", "5m"}));
  EXPECT_EQ(hpa_cells(kKedaSpec, R"({"currentReplicas":1,"desiredReplicas":1,"currentMetrics":[
      {"type":"External","external":{"metric":{"name":"s0-prometheus"},"current":{"averageValue":"45m"}}}]})")
                [2],
            "45m/500m (avg)");
}

TEST(HpaTable, ValueUtilizationAndMoreThanTwoMetrics) {
  const char* spec =
      R"({"scaleTargetRef":{"kind":"DynamoGraphDeploymentScalingAdapter","name":"sglang-agg-frontend"},"maxReplicas":5,
    "metrics":[{"type":"External","external":{"metric":{"name":"dynamo_ttft_p95_seconds"},"target":{"type":"Value","value":"500m"}}},
               {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}},
               {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"1Gi"}}}]})";
  auto cells = hpa_cells(spec, R"({"currentReplicas":2,"desiredReplicas":2,"currentMetrics":[
      {"type":"External","external":{"metric":{"name":"dynamo_ttft_p95_seconds"},"current":{"value":"45m"}}},
      {"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":45,"averageValue":"315m"}}},
      {"type":""}]})");
  EXPECT_EQ(cells[2], "45m/500m, cpu: 45%/70% + 1 more...");
  EXPECT_EQ(cells[3], "<unset>");
  EXPECT_EQ(cells[4], "5");  // serialized integer cells
  EXPECT_EQ(hpa_cells(spec, R"({"desiredReplicas":0})")[2],
            "<unknown>/500m, cpu: <unknown>/70% + 1 more...");
  EXPECT_EQ(hpa_cells(R"({"scaleTargetRef":{"kind":"D","name":"d"},"maxReplicas":1})", "{}")[2],
            "<none>");
}

}  // namespace
}  // namespace dynop::localcluster::tables

namespace dynop::localcluster::tables {
namespace {

std::vector<std::string> cells(const std::string& group, const std::string& plural,
                               const char* object) {
  json::object o = json::parse(object).as_object();
  auto table = table_for_object(builtin(group, plural), o, IncludeObject::kNone,
                                at("2026-01-01T00:00:00Z", 300));
  std::vector<std::string> out;
  for (const auto& column : table.at("columnDefinitions").as_array()) {
    out.push_back(std::string(column.at("name").as_string()));
  }
  for (const auto& cell : table.at("rows").at(0).at("cells").as_array()) {
    out.push_back(cell.is_string() ? std::string(cell.as_string()) : json::serialize(cell));
  }
  return out;
}

// printers.go printEndpointSlice / formatDiscoveryPorts / formatDiscoveryEndpoints.
TEST(EndpointSliceTable, PortsAndAddressesAsKubectlPrintsThem) {
  EXPECT_EQ(cells("discovery.k8s.io", "endpointslices", R"({
      "metadata":{"name":"sglang-agg-frontend-x7k2p","creationTimestamp":"2026-01-01T00:00:00Z"},
      "addressType":"IPv4","ports":[{"name":"http","port":8000,"protocol":"TCP"}],
      "endpoints":[{"addresses":["127.128.0.2"]},{"addresses":["127.128.1.2"]},
                   {"addresses":["127.128.2.2"]},{"addresses":["127.128.3.2"]}]})"),
            (std::vector<std::string>{"Name", "AddressType", "Ports", "Endpoints", "Age",
                                      "sglang-agg-frontend-x7k2p", "IPv4", "8000",
                                      "127.128.0.2,127.128.1.2,127.128.2.2 + 1 more...", "5m"}));
  EXPECT_EQ(cells("discovery.k8s.io", "endpointslices", R"({
      "metadata":{"name":"empty-abcde","creationTimestamp":"2026-01-01T00:00:00Z"},
      "addressType":"IPv4","endpoints":[]})"),
            (std::vector<std::string>{"Name", "AddressType", "Ports", "Endpoints", "Age",
                                      "empty-abcde", "IPv4", "<unset>", "<unset>", "5m"}));
}

}  // namespace
}  // namespace dynop::localcluster::tables
