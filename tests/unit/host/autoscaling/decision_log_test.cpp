#include "host/autoscaling/decision_log.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::host::autoscaling {
namespace {

Decision decision(std::string name, std::string writer, int to) {
  Decision d;
  d.time_ms = 1767225600123;
  d.writer = std::move(writer);
  d.target = {"nvidia.com/v1alpha1", "DynamoGraphDeploymentScalingAdapter", "default",
              std::move(name)};
  d.from = 1;
  d.to = to;
  d.reason = "because";
  return d;
}

TEST(DecisionLog, KeepsTheNewestWithIncreasingIdsAndFilters) {
  DecisionLog log(3);
  for (int i = 1; i <= 4; ++i) log.append(decision(i % 2 ? "a" : "b", "plugin/x", i));
  auto all = log.list();
  ASSERT_EQ(all.size(), 3u);  // the first one fell out
  EXPECT_EQ(all.front().id, 2u);
  EXPECT_EQ(all.back().id, 4u);
  auto query = [](auto set) {
    DecisionQuery q;
    set(q);
    return q;
  };
  EXPECT_EQ(log.list(query([](DecisionQuery& q) { q.after_id = 3; })).size(), 1u);
  EXPECT_EQ(log.list(query([](DecisionQuery& q) { q.name = "a"; })).size(), 1u);
  EXPECT_EQ(log.list(query([](DecisionQuery& q) { q.writer = "kubectl"; })).size(), 0u);
  auto newest = log.list(query([](DecisionQuery& q) { q.limit = 2; }));
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].id, 3u);
}

TEST(DecisionLog, JsonNamesEveryField) {
  Decision d = decision("sglang-agg-decode", "plugin/promql-scaler", 3);
  d.id = 7;
  d.identity = "system:serviceaccount:dynop-system:promql-scaler";
  auto v = boost::json::parse(to_json({d}, 100));
  const auto& item = v.at("decisions").at(0);
  EXPECT_EQ(item.at("id").to_number<int>(), 7);
  EXPECT_EQ(item.at("time").as_string(), "2026-01-01T00:00:00.123000Z");
  EXPECT_EQ(item.at("writer").as_string(), "plugin/promql-scaler");
  EXPECT_EQ(item.at("target").at("name").as_string(), "sglang-agg-decode");
  EXPECT_EQ(item.at("from").to_number<int>(), 1);
  EXPECT_EQ(item.at("to").to_number<int>(), 3);
  EXPECT_EQ(item.at("outcome").as_string(), "scaled");
  EXPECT_EQ(v.at("capacity").to_number<int>(), 100);
  d.from.reset();
  EXPECT_TRUE(boost::json::parse(to_json({d}, 1)).at("decisions").at(0).at("from").is_null());
}

TEST(DecisionLog, QueryStringIsCheckedAndNamesTheBadParameter) {
  std::string error;
  auto q =
      parse_decision_query("afterId=5&namespace=default&name=x&writer=kubectl&limit=10", error);
  ASSERT_TRUE(q) << error;
  EXPECT_EQ(q->after_id, 5u);
  EXPECT_EQ(q->ns, "default");
  EXPECT_EQ(q->writer, "kubectl");
  EXPECT_EQ(q->limit, 10u);
  EXPECT_FALSE(parse_decision_query("limit=-1", error));
  EXPECT_EQ(error, "limit: \"-1\" is not a whole number");
  EXPECT_FALSE(parse_decision_query("since=1", error));
  EXPECT_EQ(error, "unknown parameter \"since\" (known: afterId, namespace, name, writer, limit)");
  // No query string (curl .../autoscaling/decisions) is every entry.
  q = parse_decision_query("", error);
  ASSERT_TRUE(q) << error;
  EXPECT_EQ(q->after_id, 0u);
  EXPECT_EQ(q->limit, 0u);
}

}  // namespace
}  // namespace dynop::host::autoscaling
