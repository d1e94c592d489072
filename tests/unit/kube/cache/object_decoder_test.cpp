#include "lib/kube/cache/object_decoder.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace dynop::kube {
namespace {

constexpr const char* kPodEvent =
    R"({"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"w-0","namespace":"dynamo","uid":"u-1","resourceVersion":"42","labels":{"app":"w"},"managedFields":[{"manager":"kubectl","fieldsV1":{"f:spec":{}}}],"ownerReferences":[{"kind":"ReplicaSet","name":"rs","uid":"owner-1","controller":true}]},"spec":{"nodeName":"gpu-1","containers":[{"name":"main","image":"img","env":[{"name":"A","value":"1"}],"resources":{"limits":{"nvidia.com/gpu":"1"}}}],"volumes":[{"name":"v"}]},"status":{"phase":"Running","podIP":"10.0.0.1","containerStatuses":[{"name":"main","ready":true,"restartCount":0,"image":"img"}]}}})";

TEST(ObjectDecoder, FullObjectsDropOnlyManagedFields) {
  ObjectDecoder decoder(nullptr, "v1", "Pod");
  auto event = decoder.decode_event(kPodEvent);
  ASSERT_TRUE(event) << event.error().describe();
  EXPECT_EQ(event->type, EventType::kModified);
  EXPECT_EQ(event->resource_version, "42");
  const ObjectPtr& pod = event->object;
  EXPECT_EQ(pod->key(), "dynamo/w-0");
  EXPECT_EQ(pod->ns(), "dynamo");
  EXPECT_EQ(pod->name(), "w-0");
  EXPECT_EQ(pod->uid(), "u-1");
  EXPECT_EQ(pod->resource_version(), "42");
  EXPECT_EQ(
      pod->json(),
      R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"w-0","namespace":"dynamo","uid":"u-1","resourceVersion":"42","labels":{"app":"w"},"ownerReferences":[{"kind":"ReplicaSet","name":"rs","uid":"owner-1","controller":true}]},"spec":{"nodeName":"gpu-1","containers":[{"name":"main","image":"img","env":[{"name":"A","value":"1"}],"resources":{"limits":{"nvidia.com/gpu":"1"}}}],"volumes":[{"name":"v"}]},"status":{"phase":"Running","podIP":"10.0.0.1","containerStatuses":[{"name":"main","ready":true,"restartCount":0,"image":"img"}]}})");
}

TEST(ObjectDecoder, DefaultPodProjectionKeepsWhatControllersRead) {
  ObjectDecoder decoder(std::make_shared<Projection>(Projection::default_pod()), "v1", "Pod");
  auto event = decoder.decode_event(kPodEvent);
  ASSERT_TRUE(event) << event.error().describe();
  EXPECT_EQ(
      event->object->json(),
      R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"w-0","namespace":"dynamo","uid":"u-1","resourceVersion":"42","labels":{"app":"w"},"ownerReferences":[{"kind":"ReplicaSet","name":"rs","uid":"owner-1","controller":true}]},"spec":{"nodeName":"gpu-1","containers":[{"name":"main","resources":{"limits":{"nvidia.com/gpu":"1"}}}]},"status":{"phase":"Running","podIP":"10.0.0.1","containerStatuses":[{"name":"main","ready":true,"restartCount":0}]}})");
}

TEST(ObjectDecoder, CustomProjectionAndMinifiesPrettyInput) {
  auto projection = std::make_shared<Projection>(std::vector<std::string>{"spec.replicas"});
  ObjectDecoder decoder(projection, "nvidia.com/v1alpha1", "DynamoGraphDeploymentScalingAdapter");
  auto object = decoder.decode_object(R"({
    "metadata": {"name": "a", "namespace": "n", "uid": "u", "resourceVersion": "7",
                 "labels": {"x": "y"}},
    "spec": {"replicas": 3, "dgdRef": {"name": "g"}},
    "status": {"replicas": 2}
  })");
  ASSERT_TRUE(object) << object.error().describe();
  // List items come without kind/apiVersion; the projection did not ask for them.
  EXPECT_EQ(
      (*object)->json(),
      R"({"metadata":{"name":"a","namespace":"n","uid":"u","resourceVersion":"7"},"spec":{"replicas":3}})");
}

TEST(ObjectDecoder, ListItemsGetKindAndApiVersion) {
  ObjectDecoder decoder(nullptr, "v1", "ConfigMap");
  std::vector<ObjectPtr> items;
  auto page = decoder.decode_list(
      R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"99","continue":"abc","remainingItemCount":5},"items":[{"metadata":{"name":"a","namespace":"x","resourceVersion":"3"},"data":{"k":"v"}},{"metadata":{"name":"b","namespace":"x","resourceVersion":"4"}}]})",
      [&](ObjectPtr item) { items.push_back(std::move(item)); });
  ASSERT_TRUE(page) << page.error().describe();
  EXPECT_EQ(page->resource_version, "99");
  EXPECT_EQ(page->continue_token, "abc");
  EXPECT_EQ(page->remaining_item_count, 5);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(
      items[0]->json(),
      R"({"metadata":{"name":"a","namespace":"x","resourceVersion":"3"},"data":{"k":"v"},"apiVersion":"v1","kind":"ConfigMap"})");
  EXPECT_EQ(items[1]->key(), "x/b");
}

TEST(ObjectDecoder, EmptyListHasNullItems) {
  ObjectDecoder decoder(nullptr, "v1", "Pod");
  int count = 0;
  auto page = decoder.decode_list(R"({"metadata":{"resourceVersion":"5"},"items":null})",
                                  [&](ObjectPtr) { ++count; });
  ASSERT_TRUE(page);
  EXPECT_EQ(page->resource_version, "5");
  EXPECT_EQ(count, 0);
}

TEST(ObjectDecoder, BookmarkAndErrorEvents) {
  ObjectDecoder decoder(nullptr, "v1", "Pod");
  auto bookmark = decoder.decode_event(
      R"({"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"300","annotations":{"k8s.io/initial-events-end":"true"}}}})");
  ASSERT_TRUE(bookmark) << bookmark.error().describe();
  EXPECT_EQ(bookmark->type, EventType::kBookmark);
  EXPECT_EQ(bookmark->resource_version, "300");
  EXPECT_EQ(bookmark->object, nullptr);

  auto gone = decoder.decode_event(
      R"j({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (220)","reason":"Expired","code":410}})j");
  ASSERT_TRUE(gone) << gone.error().describe();
  EXPECT_EQ(gone->type, EventType::kError);
  ASSERT_TRUE(gone->error);
  EXPECT_TRUE(gone->error->gone());
  EXPECT_EQ(gone->error->http_status, 410);
  EXPECT_EQ(gone->error->message, "too old resource version: 1 (220)");
}

TEST(ObjectDecoder, FieldOrderDoesNotMatter) {
  ObjectDecoder decoder(nullptr, "v1", "Pod");
  auto event = decoder.decode_event(
      R"({"object":{"metadata":{"resourceVersion":"8","name":"p"}},"type":"DELETED"})");
  ASSERT_TRUE(event) << event.error().describe();
  EXPECT_EQ(event->type, EventType::kDeleted);
  EXPECT_EQ(event->object->key(), "p");
  EXPECT_EQ(event->object->ns(), "");
}

TEST(ObjectDecoder, BadInputIsAnErrorNotACrash) {
  ObjectDecoder decoder(nullptr, "v1", "Pod");
  EXPECT_FALSE(decoder.decode_event("not json"));
  EXPECT_FALSE(decoder.decode_event(R"({"type":"ADDED","object":{"metadata":{}}})"));
  EXPECT_FALSE(decoder.decode_event(R"({"type":"WHAT","object":{}})"));
  EXPECT_FALSE(decoder.decode_event(R"({"type":"ADDED","object":{"metadata":{"name":"x"})"));
  EXPECT_FALSE(decoder.decode_list(R"({"items":[1,2]})", [](ObjectPtr) {}));
  // Still usable afterwards.
  EXPECT_TRUE(decoder.decode_event(R"({"type":"ADDED","object":{"metadata":{"name":"x"}}})"));
}

}  // namespace
}  // namespace dynop::kube
