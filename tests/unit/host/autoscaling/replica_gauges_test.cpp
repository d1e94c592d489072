#include "host/autoscaling/replica_gauges.hpp"

#include <gtest/gtest.h>

namespace dynop::host::autoscaling {
namespace {

using Labels = std::map<std::string, std::string>;

TEST(ReplicaGauges, AnAdapterGivesItsDesiredReplicasWithItsGraphAndService) {
  auto readings = ReplicaGauges::read_adapter(R"({"metadata":{"namespace":"default",
      "name":"sglang-agg-decode"},"spec":{"replicas":3,
      "dgdRef":{"name":"sglang-agg","serviceName":"decode"}}})");
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].labels, (Labels{{"namespace", "default"},
                                        {"name", "sglang-agg-decode"},
                                        {"graph", "sglang-agg"},
                                        {"service", "decode"}}));
  EXPECT_EQ(readings[0].value, 3);
  // Without spec.replicas or dgdRef there is nothing to export.
  EXPECT_TRUE(ReplicaGauges::read_adapter(R"({"metadata":{"name":"x"},"spec":{}})").empty());
  EXPECT_TRUE(ReplicaGauges::read_adapter("not json").empty());
}

TEST(ReplicaGauges, AGraphGivesEachServicesReadyReplicasZeroWhenAbsent) {
  auto readings = ReplicaGauges::read_graph(R"({"metadata":{"namespace":"default",
      "name":"sglang-agg"},"status":{"services":{"Frontend":{"replicas":1,"readyReplicas":1},
      "decode":{"replicas":2}}}})");
  ASSERT_EQ(readings.size(), 2u);
  EXPECT_EQ(readings[0].labels,
            (Labels{{"namespace", "default"}, {"graph", "sglang-agg"}, {"service", "Frontend"}}));
  EXPECT_EQ(readings[0].value, 1);
  EXPECT_EQ(readings[1].labels.at("service"), "decode");
  EXPECT_EQ(readings[1].value, 0);
  EXPECT_TRUE(ReplicaGauges::read_graph(R"({"metadata":{"name":"g"}})").empty());
}

}  // namespace
}  // namespace dynop::host::autoscaling
