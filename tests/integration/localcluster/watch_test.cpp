// Watches: events from a resourceVersion, initial state, selector
// transitions, bookmarks, timeouts and 410 Gone for a resourceVersion older
// than the retained history.

#include <gtest/gtest.h>

#include "tests/integration/localcluster/local_cluster.hpp"

namespace dynop::test {
namespace {

namespace json = boost::json;

json::object config_map(const std::string& name) {
  return json::object{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", json::object{{"name", name}}}};
}

class WatchTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(c.ok()) << c.error(); }
  LocalCluster c{LocalCluster::Options{true, {"--watch-history", "5"}}};
  const std::string cms = "/api/v1/namespaces/default/configmaps";
};

TEST_F(WatchTest, StreamsChangesAfterTheListResourceVersion) {
  ASSERT_EQ(c.post(cms, config_map("before")).status, 201u);
  auto list = c.get(cms);
  std::string rv = field_text(list.json(), {"metadata", "resourceVersion"});
  auto w = c.watch(cms + "?watch=1&resourceVersion=" + rv + "&timeoutSeconds=30");
  ASSERT_TRUE(w.ok()) << w.error;
  ASSERT_EQ(w.head.status, 200u);
  ASSERT_EQ(c.post(cms, config_map("w1")).status, 201u);
  ASSERT_EQ(c.patch(cms + "/w1", R"({"data":{"a":"b"}})").status, 200u);
  ASSERT_EQ(c.del(cms + "/w1").status, 200u);
  auto events = read_events(*w.stream, 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(field_text(events[0], {"type"}), "ADDED");
  EXPECT_EQ(field_text(events[1], {"type"}), "MODIFIED");
  EXPECT_EQ(field_text(events[1], {"object", "data", "a"}), "b");
  EXPECT_EQ(field_text(events[2], {"type"}), "DELETED");
  EXPECT_EQ(field_text(events[2], {"object", "metadata", "name"}), "w1");
  w.stream->cancel();
}

TEST_F(WatchTest, WithoutResourceVersionStartsWithTheCurrentState) {
  ASSERT_EQ(c.post(cms, config_map("existing")).status, 201u);
  auto w = c.watch(cms + "?watch=true");
  ASSERT_TRUE(w.ok());
  auto events = read_events(*w.stream, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(field_text(events[0], {"type"}), "ADDED");
  EXPECT_EQ(field_text(events[0], {"object", "metadata", "name"}), "existing");
  w.stream->cancel();
}

TEST_F(WatchTest, TooOldResourceVersionGivesOneExpiredErrorEvent) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(c.post(cms, config_map("churn-" + std::to_string(i))).status, 201u);
  }
  auto w = c.watch(cms + "?watch=true&allowWatchBookmarks=true&resourceVersion=1");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.head.status, 200u);
  auto events = read_events(*w.stream, 2);
  ASSERT_EQ(events.size(), 1u);  // then the server ends the stream
  EXPECT_EQ(field_text(events[0], {"type"}), "ERROR");
  EXPECT_EQ(field_text(events[0], {"object", "code"}), "410");
  EXPECT_EQ(field_text(events[0], {"object", "reason"}), "Expired");
  EXPECT_EQ(field_text(events[0], {"object", "message"}).rfind("too old resource version: 1 (", 0), 0u);
  auto list = c.get(cms + "?resourceVersion=1&resourceVersionMatch=Exact");
  EXPECT_EQ(list.status, 410u);
  EXPECT_EQ(field_text(list.json(), {"message"}), "The resourceVersion for the provided list is too old.");
}

TEST_F(WatchTest, LeavingAFieldSelectorReadsAsDeletion) {
  auto pod = json::object{{"apiVersion", "v1"},
                          {"kind", "Pod"},
                          {"metadata", json::object{{"name", "sched-me"}}},
                          {"spec", json::object{{"schedulerName", "dynop-gpu-scheduler"},
                                                {"containers", json::array{json::object{{"name", "c"}, {"image", "x"}}}}}}};
  ASSERT_EQ(c.post("/api/v1/namespaces/default/pods", pod).status, 201u);
  std::string rv = field_text(c.get("/api/v1/pods").json(), {"metadata", "resourceVersion"});
  auto w = c.watch("/api/v1/pods?watch=1&fieldSelector=spec.schedulerName%3Ddynop-gpu-scheduler,spec.nodeName%3D&resourceVersion=" + rv);
  ASSERT_TRUE(w.ok());
  auto bound = c.post("/api/v1/namespaces/default/pods/sched-me/binding",
                      json::object{{"apiVersion", "v1"}, {"kind", "Binding"},
                                   {"metadata", json::object{{"name", "sched-me"}}},
                                   {"target", json::object{{"kind", "Node"}, {"name", "n1"}}}});
  ASSERT_EQ(bound.status, 201u);
  auto events = read_events(*w.stream, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(field_text(events[0], {"type"}), "DELETED");
  EXPECT_EQ(field_text(events[0], {"object", "spec", "nodeName"}), "<missing>");
  auto now = c.get("/api/v1/namespaces/default/pods/sched-me");
  EXPECT_EQ(field_text(events[0], {"object", "metadata", "resourceVersion"}),
            field_text(now.json(), {"metadata", "resourceVersion"}));
  w.stream->cancel();
}

TEST_F(WatchTest, TimeoutSecondsEndsTheStreamAfterABookmark) {
  auto rv = field_text(c.get(cms).json(), {"metadata", "resourceVersion"});
  auto w = c.watch(cms + "?watch=1&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=" + rv);
  ASSERT_TRUE(w.ok());
  auto events = read_events(*w.stream, 10);
  ASSERT_GE(events.size(), 1u);
  EXPECT_EQ(field_text(events.back(), {"type"}), "BOOKMARK");
  EXPECT_EQ(field_text(events.back(), {"object", "kind"}), "ConfigMap");
  EXPECT_EQ(field_text(events.back(), {"object", "metadata", "resourceVersion"}), rv);
  EXPECT_EQ(w.stream->error(), "");
}

}  // namespace
}  // namespace dynop::test
