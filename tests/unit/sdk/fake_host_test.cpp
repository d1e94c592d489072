// The SDK's FakeHost, used through the C++ client the way a plugin's unit
// tests use it.

#include "dynop/sdk/testing/fake_host.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace {

using dynop::sdk::ObjectRef;
using dynop::sdk::StatusCode;

const ObjectRef kPod{{"", "v1", "Pod"}, "default", "p1"};

TEST(FakeHost, ServesStoredObjectsAndLists) {
  dynop::sdk::testing::FakeHost fake;
  const auto& client = fake.host().client();
  EXPECT_EQ(client.get(kPod).status.code(), StatusCode::kNotFound);

  fake.put(kPod, R"({"metadata":{"name":"p1"}})");
  fake.put({{"", "v1", "Pod"}, "other", "p2"}, R"({"metadata":{"name":"p2"}})");
  fake.put({{"", "v1", "Node"}, "", "n1"}, R"({"metadata":{"name":"n1"}})");
  auto got = client.get(kPod);
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got.value, R"({"metadata":{"name":"p1"}})");

  EXPECT_EQ(client.list({"", "v1", "Pod"}, "default").value, R"([{"metadata":{"name":"p1"}}])");
  EXPECT_EQ(client.list({"", "v1", "Pod"}, "").value,
            R"([{"metadata":{"name":"p1"}},{"metadata":{"name":"p2"}}])");
  EXPECT_EQ(client.list({"apps", "v1", "Deployment"}, "").value, "[]");
}

TEST(FakeHost, RecordsWritesAndAppliesCreateUpdateDelete) {
  dynop::sdk::testing::FakeHost fake;
  const auto& client = fake.host().client();
  ASSERT_TRUE(client.create(kPod, "{}").is_ok());
  EXPECT_EQ(client.create(kPod, "{}").status.code(), StatusCode::kConflict);
  ASSERT_TRUE(client.update(kPod, R"({"v":2})").is_ok());
  EXPECT_EQ(*fake.object(kPod), R"({"v":2})");
  ASSERT_TRUE(client.patch(kPod, DYNOP_PATCH_MERGE, R"({"x":1})").is_ok());
  ASSERT_TRUE(client.update_scale(kPod, 3).is_ok());
  ASSERT_TRUE(client.remove(kPod).is_ok());
  EXPECT_EQ(client.remove(kPod).code(), StatusCode::kNotFound);
  EXPECT_FALSE(fake.object(kPod).has_value());

  ASSERT_EQ(fake.writes().size(), 5u);
  EXPECT_EQ(fake.writes()[0].verb, "create");
  EXPECT_EQ(fake.writes()[2].verb, "patch");
  EXPECT_EQ(fake.writes()[2].patch_type, DYNOP_PATCH_MERGE);
  EXPECT_EQ(fake.writes()[3].verb, "update_scale");
  EXPECT_EQ(fake.writes()[3].body, "3");
  EXPECT_EQ(fake.writes()[4].verb, "delete");
  EXPECT_EQ(fake.writes()[4].ref.name, "p1");
}

TEST(FakeHost, RecordsEventsRequeuesAndLogs) {
  dynop::sdk::testing::FakeHost fake;
  auto& host = fake.host();
  ASSERT_TRUE(host.client().record_event(kPod, DYNOP_EVENT_WARNING, "Scaled", "to 3").is_ok());
  ASSERT_TRUE(host.client().requeue_after({"default", "g"}, std::chrono::seconds(2)).is_ok());
  host.logger().warn("careful");
  ASSERT_EQ(fake.events().size(), 1u);
  EXPECT_EQ(fake.events()[0].reason, "Scaled");
  EXPECT_EQ(fake.events()[0].type, DYNOP_EVENT_WARNING);
  ASSERT_EQ(fake.requeues().size(), 1u);
  EXPECT_EQ(fake.requeues()[0].key.name, "g");
  EXPECT_EQ(fake.requeues()[0].delay_ms, 2000u);
  ASSERT_EQ(fake.logs().size(), 1u);
  EXPECT_EQ(fake.logs()[0].level, DYNOP_LOG_WARN);
  EXPECT_EQ(fake.logs()[0].message, "careful");
}

TEST(FakeHost, SlotsCanBeReplacedForErrorPaths) {
  dynop::sdk::testing::FakeHost fake;
  fake.table().get_object = [](dynop_host_context*, const dynop_object_ref*, dynop_str*) {
    return dynop_status{DYNOP_UNAVAILABLE, {"cache not synced", 16}};
  };
  auto got = fake.host().client().get(kPod);
  EXPECT_EQ(got.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(got.status.message(), "cache not synced");
}

}  // namespace
