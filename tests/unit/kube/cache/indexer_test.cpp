#include "lib/kube/cache/indexer.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace dynop::kube {
namespace {

// Labels and owners as the decoder hands them over (read in its one pass);
// the JSON holds only the identity, so an index that parsed it would find
// nothing.
ObjectPtr pod(const std::string& ns, const std::string& name, const std::string& rv,
              const std::string& owner = "", const std::string& app = "") {
  const std::string json = R"({"metadata":{"name":")" + name + R"(","namespace":")" + ns + "\"}}";
  ObjectMetaBuilder meta;
  if (!app.empty()) meta.add_label("app", app);
  if (!owner.empty()) {
    meta.add_owner(owner, true, "v1", "X", "o");
    meta.add_owner("other", false, "v1", "Y", "p");
  }
  return CachedObject::make(ns, name, "uid-" + name, rv, json, meta);
}

std::vector<std::string> names(std::vector<ObjectPtr> objects) {
  std::vector<std::string> out;
  for (const auto& object : objects) out.emplace_back(object->key());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Indexer, GetsByKeyAndNamespacedName) {
  Indexer store;
  EXPECT_EQ(store.upsert(pod("a", "p1", "1")), nullptr);
  auto previous = store.upsert(pod("a", "p1", "2"));
  ASSERT_NE(previous, nullptr);
  EXPECT_EQ(previous->resource_version(), "1");
  EXPECT_EQ(store.get("a/p1")->resource_version(), "2");
  EXPECT_EQ(store.get("a", "p1")->resource_version(), "2");
  EXPECT_EQ(store.get("b", "p1"), nullptr);
  EXPECT_EQ(store.size(), 1u);
  // The snapshot someone held is untouched by the update.
  EXPECT_EQ(previous->resource_version(), "1");
}

TEST(Indexer, IndexesFollowUpdatesAndDeletes) {
  Indexer store;
  store.add_index(kControllerIndex, index_by_controller_uid());
  store.add_index("app", index_by_label("app"));
  store.upsert(pod("a", "p1", "1", "rs-1", "web"));
  store.upsert(pod("a", "p2", "1", "rs-1", "db"));
  store.upsert(pod("b", "p3", "1", "rs-2", "web"));
  EXPECT_EQ(names(store.by_index(kNamespaceIndex, "a")),
            (std::vector<std::string>{"a/p1", "a/p2"}));
  EXPECT_EQ(names(store.by_index(kControllerIndex, "rs-1")),
            (std::vector<std::string>{"a/p1", "a/p2"}));
  EXPECT_EQ(names(store.by_index(kOwnerIndex, "other")).size(), 3u);
  EXPECT_EQ(names(store.by_index("app", "web")), (std::vector<std::string>{"a/p1", "b/p3"}));

  store.upsert(pod("a", "p1", "2", "rs-2", "db"));  // moved to another owner and label
  EXPECT_EQ(names(store.by_index(kControllerIndex, "rs-1")), (std::vector<std::string>{"a/p2"}));
  EXPECT_EQ(names(store.by_index("app", "web")), (std::vector<std::string>{"b/p3"}));
  EXPECT_NE(store.remove("a/p2"), nullptr);
  EXPECT_EQ(store.remove("a/p2"), nullptr);
  EXPECT_TRUE(store.by_index(kControllerIndex, "rs-1").empty());
  EXPECT_EQ(names(store.by_index(kNamespaceIndex, "a")), (std::vector<std::string>{"a/p1"}));
  EXPECT_TRUE(store.by_index("no-such-index", "x").empty());
}

// An index added to a store that already holds objects is filled with them.
TEST(Indexer, AddIndexCoversObjectsAlreadyStored) {
  Indexer store;
  store.upsert(pod("a", "p1", "1", "rs-1", "web"));
  store.upsert(pod("b", "p2", "1", "rs-2", "web"));
  store.upsert(pod("b", "p3", "1"));
  store.add_index("app", index_by_label("app"));
  store.add_index(kControllerIndex, index_by_controller_uid());
  EXPECT_EQ(names(store.by_index("app", "web")), (std::vector<std::string>{"a/p1", "b/p2"}));
  EXPECT_EQ(names(store.by_index(kControllerIndex, "rs-2")), (std::vector<std::string>{"b/p2"}));
  store.upsert(pod("b", "p3", "2", "rs-2", "db"));  // indexed from now on like the others
  EXPECT_EQ(names(store.by_index(kControllerIndex, "rs-2")),
            (std::vector<std::string>{"b/p2", "b/p3"}));
  EXPECT_EQ(names(store.by_index("app", "db")), (std::vector<std::string>{"b/p3"}));
}

TEST(Indexer, ReplaceReportsTheDifference) {
  Indexer store;
  store.upsert(pod("a", "keep", "1"));
  store.upsert(pod("a", "change", "1"));
  store.upsert(pod("a", "gone", "1"));
  auto kept = store.get("a/keep");
  std::vector<std::string> seen;
  store.replace({pod("a", "keep", "1"), pod("a", "change", "5"), pod("a", "new", "6")},
                [&](const ObjectPtr& old, const ObjectPtr& now) {
                  if (!old)
                    seen.push_back("add " + std::string(now->key()));
                  else if (!now)
                    seen.push_back("delete " + std::string(old->key()));
                  else
                    seen.push_back("update " + std::string(now->key()) + " " +
                                   std::string(old->resource_version()) + "->" +
                                   std::string(now->resource_version()));
                });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"add a/new", "delete a/gone", "update a/change 1->5"}));
  EXPECT_EQ(store.get("a/keep"), kept);  // unchanged objects keep their snapshot
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(names(store.by_index(kNamespaceIndex, "a")),
            (std::vector<std::string>{"a/change", "a/keep", "a/new"}));
}

TEST(Indexer, ClusterScopedKeysHaveNoSlash) {
  Indexer store;
  store.upsert(CachedObject::make("", "node-1", "u", "1", R"({"metadata":{"name":"node-1"}})"));
  EXPECT_NE(store.get("node-1"), nullptr);
  EXPECT_NE(store.get("", "node-1"), nullptr);
  EXPECT_EQ(store.get("node-1")->name(), "node-1");
}

}  // namespace
}  // namespace dynop::kube
