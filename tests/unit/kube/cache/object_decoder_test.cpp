#include "lib/kube/cache/object_decoder.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
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

std::vector<std::pair<std::string, std::string>> labels_of(const CachedObject& object) {
  std::vector<std::pair<std::string, std::string>> out;
  object.for_each_label([&](std::string_view k, std::string_view v) { out.emplace_back(k, v); });
  return out;
}

std::vector<std::string> owner_uids_of(const CachedObject& object) {
  std::vector<std::string> out;
  object.for_each_owner_uid([&](std::string_view uid) { out.emplace_back(uid); });
  return out;
}

TEST(ObjectDecoder, FieldsProjectionKeepsTheListedPaths) {
  ObjectDecoder decoder(std::make_shared<Projection>(Projection::of_fields(
                            {"metadata.labels", "spec.containers.name", "status.phase"})),
                        "v1", "Pod");
  auto event = decoder.decode_event(kPodEvent);
  ASSERT_TRUE(event) << event.error().describe();
  EXPECT_EQ(
      event->object->json(),
      R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"w-0","namespace":"dynamo","uid":"u-1","resourceVersion":"42","labels":{"app":"w"}},"spec":{"containers":[{"name":"main"}]},"status":{"phase":"Running"}})");
  // Owners are read even though the projection leaves them out of the JSON.
  EXPECT_EQ(owner_uids_of(*event->object), std::vector<std::string>{"owner-1"});
}

TEST(ObjectDecoder, MetadataOnlyKeepsApiVersionKindAndMetadata) {
  ObjectDecoder decoder(std::make_shared<Projection>(Projection::metadata_only()), "v1", "Pod");
  auto event = decoder.decode_event(kPodEvent);
  ASSERT_TRUE(event) << event.error().describe();
  EXPECT_EQ(
      event->object->json(),
      R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"w-0","namespace":"dynamo","uid":"u-1","resourceVersion":"42","labels":{"app":"w"},"ownerReferences":[{"kind":"ReplicaSet","name":"rs","uid":"owner-1","controller":true}]}})");
}

// The index keys are read in the decoding pass, whatever the projection keeps:
// labels (unescaped), every owner's uid, and the controller reference.
TEST(ObjectDecoder, ReadsLabelsAndOwnersInTheSamePass) {
  ObjectDecoder decoder(std::make_shared<Projection>(Projection::of_fields({"status.phase"})), "v1",
                        "Pod");
  auto event = decoder.decode_event(
      R"({"type":"ADDED","object":{"metadata":{"name":"p","namespace":"n","labels":{"app":"web","tier\u002fx":"a\"b","n":7},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u-rs"},{"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeployment","name":"g","uid":"u-g","controller":true,"blockOwnerDeletion":true}]},"status":{"phase":"Pending"}}})");
  ASSERT_TRUE(event) << event.error().describe();
  const CachedObject& pod = *event->object;
  EXPECT_EQ(
      pod.json(),
      R"({"metadata":{"name":"p","namespace":"n"},"status":{"phase":"Pending"},"apiVersion":"v1","kind":"Pod"})");
  // A label whose value is not a string is not one kube accepts: not indexed.
  EXPECT_EQ(labels_of(pod),
            (std::vector<std::pair<std::string, std::string>>{{"app", "web"}, {"tier/x", "a\"b"}}));
  EXPECT_EQ(pod.label("tier/x"), "a\"b");
  EXPECT_EQ(pod.label("missing"), std::nullopt);
  EXPECT_EQ(owner_uids_of(pod), (std::vector<std::string>{"u-rs", "u-g"}));
  auto controller = pod.controller();
  ASSERT_TRUE(controller);
  EXPECT_EQ(controller->api_version, "nvidia.com/v1alpha1");
  EXPECT_EQ(controller->kind, "DynamoGraphDeployment");
  EXPECT_EQ(controller->name, "g");
  EXPECT_EQ(controller->uid, "u-g");
}

// Labels the JSON keeps verbatim are referred to, not stored twice; labels a
// projection drops are copied. Both read the same, and pretty input comes
// out compact with the same references.
TEST(ObjectDecoder, LabelsKeptInTheJsonAreNotStoredTwice) {
  ObjectDecoder decoder(nullptr, "v1", "Pod");
  const std::string labels = R"({"app.kubernetes.io/name":"dynamo-worker","tier":"gpu"})";
  auto compact = decoder.decode_object(R"({"spec":{"a":[1,2]},"metadata":{"name":"p","labels":)" +
                                       labels + "}}");
  auto pretty = decoder.decode_object(
      "{\n  \"spec\": { \"a\" : [ 1, 2 ] },\n  \"metadata\": {\"name\": \"p\", \"labels\": " +
      labels + "}\n}");
  auto dropped =
      ObjectDecoder(std::make_shared<Projection>(Projection::of_fields({"spec"})), "v1", "Pod")
          .decode_object(R"({"spec":{"a":[1,2]},"metadata":{"name":"p","labels":)" + labels + "}}");
  ASSERT_TRUE(compact && dropped && pretty);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"app.kubernetes.io/name", "dynamo-worker"}, {"tier", "gpu"}};
  EXPECT_EQ(labels_of(**compact), want);
  EXPECT_EQ(labels_of(**dropped), want);
  EXPECT_EQ(labels_of(**pretty), want);
  EXPECT_EQ((*pretty)->json(), (*compact)->json());
  EXPECT_EQ((*pretty)->memory_bytes(), (*compact)->memory_bytes());
  // A reference is 13 bytes; a copy is 5 bytes plus the key and the value.
  const std::size_t references = 2 * 13;
  const std::size_t copies = (5 + 22 + 13) + (5 + 4 + 3);
  const std::size_t json_kept = (*compact)->json().size() - (*dropped)->json().size();
  EXPECT_EQ((*compact)->memory_bytes() + copies,
            (*dropped)->memory_bytes() + json_kept + references);
}

TEST(ObjectDecoder, KeptLabelsAndOwnersAreCopiedAsWritten) {
  ObjectDecoder decoder(nullptr, "v1", "Pod");
  auto object = decoder.decode_object(
      R"({"metadata":{"name":"p","labels":{"a\u0062":"c\n","d":{"x":1}},"ownerReferences":[{"uid":"u","extra":{"k":[1,2]}},"junk"]},"apiVersion":"v1","kind":"Pod"})");
  ASSERT_TRUE(object) << object.error().describe();
  EXPECT_EQ(
      (*object)->json(),
      R"({"metadata":{"name":"p","labels":{"a\u0062":"c\n","d":{"x":1}},"ownerReferences":[{"uid":"u","extra":{"k":[1,2]}},"junk"]},"apiVersion":"v1","kind":"Pod"})");
  EXPECT_EQ(labels_of(**object), (std::vector<std::pair<std::string, std::string>>{{"ab", "c\n"}}));
  EXPECT_EQ(owner_uids_of(**object), std::vector<std::string>{"u"});
  EXPECT_FALSE((*object)->controller());
}

// The owners read do not depend on what the projection keeps: an owner's
// fields are read alike whether it is copied into the JSON or not (the watch
// decoder fuzz target found a repeated "controller" whose last value is an
// object read as true only when the owner was kept).
TEST(ObjectDecoder, OwnersReadTheSameWhateverTheProjectionKeeps) {
  const std::string pod =
      R"({"metadata":{"name":"p","ownerReferences":[{"uid":"u","name":"g","kind":"K","apiVersion":"v1","controller":true,"controller":{}},{"uid":"v","name":"h","kind":"K","apiVersion":"v1","controller":true}]}})";
  ObjectDecoder whole(nullptr, "v1", "Pod");
  ObjectDecoder slim(std::make_shared<Projection>(Projection::of_fields({"status.phase"})), "v1",
                     "Pod");
  for (ObjectDecoder* decoder : {&whole, &slim}) {
    auto object = decoder->decode_object(pod);
    ASSERT_TRUE(object) << object.error().describe();
    EXPECT_EQ(owner_uids_of(**object), (std::vector<std::string>{"u", "v"}));
    auto controller = (*object)->controller();
    ASSERT_TRUE(controller);
    EXPECT_EQ(controller->uid, "v");  // the first owner's last "controller" is not true
  }
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

// An identity field (name, namespace, uid, resourceVersion) that is an object
// or an array used to be copied as its opening bracket alone: valid JSON in,
// broken JSON in the cache (the watch decoder fuzz target found
// {"metadata":{"namespace":{},"name":"p"}}). It is refused, naming the field;
// null reads as absent and is kept as written.
TEST(ObjectDecoder, IdentityFieldsThatAreNotStringsAreRefused) {
  ObjectDecoder whole(nullptr, "v1", "Pod");
  ObjectDecoder slim(std::make_shared<Projection>(Projection::of_fields({"status.phase"})), "v1",
                     "Pod");
  for (ObjectDecoder* decoder : {&whole, &slim}) {
    auto object = decoder->decode_object(R"({"metadata":{"namespace":{},"name":"p"}})");
    ASSERT_FALSE(object);
    EXPECT_EQ(object.error().message, "object: metadata.namespace is not a string");
    auto event =
        decoder->decode_event(R"({"type":"ADDED","object":{"metadata":{"name":"p","uid":[1]}}})");
    ASSERT_FALSE(event);
    EXPECT_EQ(event.error().message, "object: metadata.uid is not a string");
    int items = 0;
    auto list = decoder->decode_list(R"({"items":[{"metadata":{"name":{"a":"b"}}}]})",
                                     [&](ObjectPtr) { ++items; });
    ASSERT_FALSE(list);
    EXPECT_EQ(list.error().message, "object: metadata.name is not a string");
    EXPECT_EQ(items, 0);
    auto bookmark =
        decoder->decode_event(R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":7}}})");
    ASSERT_FALSE(bookmark);
    EXPECT_EQ(bookmark.error().message, "bookmark: metadata.resourceVersion is not a string");
  }
  auto with_null = whole.decode_object(R"({"metadata":{"namespace":null,"name":"p","uid":null}})");
  ASSERT_TRUE(with_null) << with_null.error().describe();
  EXPECT_EQ((*with_null)->key(), "p");
  EXPECT_EQ((*with_null)->uid(), "");
  EXPECT_EQ(
      (*with_null)->json(),
      R"({"metadata":{"namespace":null,"name":"p","uid":null},"apiVersion":"v1","kind":"Pod"})");
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
