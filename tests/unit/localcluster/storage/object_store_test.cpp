#include "localcluster/storage/object_store.hpp"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <boost/json.hpp>
#include <functional>
#include <utility>
#include <vector>

#include "localcluster/storage/continue_token.hpp"

namespace dynop::localcluster::storage {
namespace {

boost::json::object pod(const std::string& ns, const std::string& name,
                        const std::string& node = "", const std::string& app = "web") {
  return boost::json::object{
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", app}}}}},
      {"spec", {{"nodeName", node}, {"schedulerName", "default-scheduler"}}}};
}

std::string name_of(const StoredObject& o) { return o.attrs->name; }

std::string rv_in_json(const std::string& json) {
  auto doc = boost::json::parse(json);
  return std::string(doc.at("metadata").at("resourceVersion").as_string());
}

TEST(ObjectStore, CreateAssignsIncreasingResourceVersions) {
  ObjectStore store({});
  auto a = store.create("pods", "default", "a", pod("default", "a"));
  auto b = store.create("pods", "default", "b", pod("default", "b"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_LT(a.value().resource_version, b.value().resource_version);
  EXPECT_EQ(rv_in_json(*b.value().json), std::to_string(b.value().resource_version));
  auto again = store.create("pods", "default", "a", pod("default", "a"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, StoreErrorCode::kAlreadyExists);
}

TEST(ObjectStore, UnchangedUpdateKeepsResourceVersion) {
  ObjectStore store({});
  auto created = store.create("pods", "default", "a", pod("default", "a"));
  auto same = store.update("pods", "default", "a",
                           [](boost::json::object&, WriteAction&) { return std::nullopt; });
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same.value().resource_version, created.value().resource_version);
  auto changed = store.update("pods", "default", "a", [](boost::json::object& o, WriteAction&) {
    o["spec"].as_object()["nodeName"] = "n1";
    return std::optional<StoreError>();
  });
  ASSERT_TRUE(changed.ok());
  EXPECT_GT(changed.value().resource_version, created.value().resource_version);
  EXPECT_EQ(*changed.value().attrs->field("spec.nodeName"), "n1");
}

TEST(ObjectStore, ListPaginatesWithContinueAndRemainingCount) {
  ObjectStore store({});
  for (int i = 0; i < 5; ++i) {
    std::string name = "p" + std::to_string(i);
    store.create("pods", "default", name, pod("default", name));
  }
  store.create("pods", "other", "x", pod("other", "x"));
  Selection sel{"pods", "default", nullptr};
  auto page1 = store.list(sel, {2, "", 0});
  ASSERT_EQ(page1.items.size(), 2u);
  EXPECT_EQ(name_of(page1.items[0]), "p0");
  ASSERT_TRUE(page1.remaining_items);
  EXPECT_EQ(*page1.remaining_items, 3);
  auto token = decode_continue(page1.continue_token);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->start, "p2");
  auto page2 = store.list(sel, {10, token->start, token->resource_version});
  ASSERT_EQ(page2.items.size(), 3u);
  EXPECT_EQ(name_of(page2.items[0]), "p2");
  EXPECT_TRUE(page2.continue_token.empty());
  EXPECT_EQ(store.list({"pods", "", nullptr}).items.size(), 6u);
}

// Every page of an unfiltered list reports what is left after it, in one
// namespace (whose neighbours "default-a", "default.b", "default0" sort right
// around "default/") and across all of them, also when objects come and go
// between pages.
TEST(ObjectStore, RemainingCountIsExactOnEveryPage) {
  ObjectStore store({});
  for (const std::string ns : {"default-a", "default.b", "default", "default0"}) {
    for (int i = 0; i < 7; ++i) {
      std::string name = "p" + std::to_string(i);
      store.create("pods", ns, name, pod(ns, name));
    }
  }
  const auto walk = [&](const Selection& sel, const std::function<void(int page)>& between) {
    std::vector<std::pair<std::size_t, std::int64_t>> pages;  // (items, remaining)
    ListResult page = store.list(sel, {3, "", 0});
    for (int n = 0;; ++n) {
      pages.emplace_back(page.items.size(), page.remaining_items.value_or(-1));
      if (page.continue_token.empty()) break;
      between(n);
      auto token = decode_continue(page.continue_token);
      EXPECT_TRUE(token);
      if (!token) break;
      page = store.list(sel, {3, token->start, token->resource_version});
    }
    return pages;
  };
  using Pages = std::vector<std::pair<std::size_t, std::int64_t>>;
  EXPECT_EQ(walk({"pods", "default", nullptr}, [](int) {}), (Pages{{3, 4}, {3, 1}, {1, -1}}));
  EXPECT_EQ(walk({"pods", "", nullptr}, [](int) {}).front(),
            (std::pair<std::size_t, std::int64_t>{3, 25}));
  // After page 0 of "default" (p0-p2 seen): p5 goes, p7 and p8 arrive, and a
  // neighbour namespace grows; later pages still read page 0's snapshot.
  auto changing = walk({"pods", "default", nullptr}, [&](int n) {
    if (n != 0) return;
    store.update("pods", "default", "p5", [](boost::json::object&, WriteAction& action) {
      action = WriteAction::kDelete;
      return std::optional<StoreError>();
    });
    for (const std::string name : {"p7", "p8"})
      store.create("pods", "default", name, pod("default", name));
    store.create("pods", "default0", "a", pod("default0", "a"));
  });
  EXPECT_EQ(changing, (Pages{{3, 4}, {3, 1}, {1, -1}}));
  // A new list reads the present: p0-p4, p6, p7, p8.
  EXPECT_EQ(walk({"pods", "default", nullptr}, [](int) {}), (Pages{{3, 5}, {3, 2}, {2, -1}}));
}

// A continued page shows each object as it was at the first page's
// resourceVersion: updated ones in their old state, deleted ones still there,
// created ones not yet, as etcd serves every page at the first revision.
TEST(ObjectStore, ContinuedPageReadsTheFirstPagesSnapshot) {
  ObjectStore store({});
  for (const std::string name : {"a", "b", "c", "d"}) {
    store.create("pods", "default", name, pod("default", name));
  }
  Selection sel{"pods", "default", nullptr};
  auto page1 = store.list(sel, {1, "", 0});
  auto token = decode_continue(page1.continue_token);
  ASSERT_TRUE(token);
  store.update("pods", "default", "b", [](boost::json::object& o, WriteAction&) {
    o["spec"].as_object()["nodeName"] = "n1";
    return std::optional<StoreError>();
  });
  store.update("pods", "default", "c", [](boost::json::object&, WriteAction& action) {
    action = WriteAction::kDelete;
    return std::optional<StoreError>();
  });
  store.create("pods", "default", "bb", pod("default", "bb"));
  store.create("pods", "default", "c", pod("default", "c", "n2"));  // recreated
  auto page2 = store.list(sel, {10, token->start, token->resource_version});
  ASSERT_FALSE(page2.error);
  EXPECT_EQ(page2.resource_version, page1.resource_version);
  std::vector<std::string> seen;
  for (const auto& item : page2.items) {
    seen.push_back(item.attrs->name + ":" + *item.attrs->field("spec.nodeName"));
    EXPECT_LE(item.resource_version, page1.resource_version);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"b:", "c:", "d:"}));
  // A selector sees the old state too: nothing was on n1 or n2 back then.
  Selection on_node{"pods", "default",
                    [](const ObjectAttrs& attrs) { return *attrs.field("spec.nodeName") != ""; }};
  EXPECT_TRUE(store.list(on_node, {10, token->start, token->resource_version}).items.empty());
  EXPECT_EQ(store.list(on_node).items.size(), 2u);
}

// kube-apiserver answers 410 Expired when etcd compacted the first page's
// revision; here, when the event history no longer reaches back to it.
TEST(ObjectStore, ContinueOlderThanTheHistoryIsGone) {
  StoreOptions options;
  options.history_limit = 2;
  ObjectStore store(options);
  for (const std::string name : {"a", "b", "c"}) {
    store.create("pods", "default", name, pod("default", name));
  }
  Selection sel{"pods", "default", nullptr};
  auto page1 = store.list(sel, {1, "", 0});
  auto token = decode_continue(page1.continue_token);
  ASSERT_TRUE(token);
  store.create("pods", "default", "d", pod("default", "d"));
  auto still = store.list(sel, {1, token->start, token->resource_version});
  EXPECT_FALSE(still.error);
  ASSERT_EQ(still.items.size(), 1u);
  EXPECT_EQ(*still.remaining_items, 1);  // c, not d
  for (const std::string name : {"e", "f"}) {
    store.create("pods", "default", name, pod("default", name));
  }
  auto gone = store.list(sel, {1, token->start, token->resource_version});
  ASSERT_TRUE(gone.error);
  EXPECT_EQ(gone.error->code, StoreErrorCode::kGone);
  EXPECT_TRUE(gone.items.empty());
  store.compact();
  auto fresh = store.list(sel, {1, "", 0});
  EXPECT_FALSE(fresh.error);
  auto compacted = store.list(sel, {1, "b", page1.resource_version});
  EXPECT_TRUE(compacted.error);
}

// As kube-apiserver: a filtered list cut by a limit still hands out a continue
// token but no remainingItemCount (it would cost a match of the whole rest).
TEST(ObjectStore, FilteredPageHasContinueButNoRemainingCount) {
  ObjectStore store({});
  for (int i = 0; i < 5; ++i) {
    std::string name = "p" + std::to_string(i);
    store.create("pods", "default", name, pod("default", name));
  }
  Selection odd{"pods", "default",
                [](const ObjectAttrs& attrs) { return attrs.name != "p0" && attrs.name != "p2"; }};
  auto page1 = store.list(odd, {1, "", 0});
  ASSERT_EQ(page1.items.size(), 1u);
  EXPECT_EQ(name_of(page1.items[0]), "p1");
  EXPECT_FALSE(page1.remaining_items);
  auto token = decode_continue(page1.continue_token);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->start, "p3");
  auto page2 = store.list(odd, {10, token->start, token->resource_version});
  ASSERT_EQ(page2.items.size(), 2u);
  EXPECT_EQ(name_of(page2.items[1]), "p4");
  EXPECT_TRUE(page2.continue_token.empty());
}

TEST(ObjectStore, WatchReplaysHistoryAndReportsSelectorTransitions) {
  ObjectStore store({});
  store.create("pods", "default", "a", pod("default", "a"));
  auto start_rv = store.current_resource_version();
  Selection unbound{"pods", "",
                    [](const ObjectAttrs& attrs) { return *attrs.field("spec.nodeName") == ""; }};
  auto w = store.watch(unbound, start_rv);
  ASSERT_TRUE(w.channel);
  store.update("pods", "default", "a", [](boost::json::object& o, WriteAction&) {
    o["spec"].as_object()["nodeName"] = "n1";
    return std::optional<StoreError>();
  });
  std::vector<WatchEvent> events;
  ASSERT_TRUE(w.channel->wait_pop(events, std::chrono::milliseconds(100)));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, WatchEventType::kDeleted);
  // The object as it was before, with the new resourceVersion.
  auto doc = boost::json::parse(*events[0].json);
  EXPECT_EQ(doc.at("spec").at("nodeName").as_string(), "");
  EXPECT_EQ(rv_in_json(*events[0].json), std::to_string(events[0].resource_version));
}

TEST(ObjectStore, WatchFromTooOldResourceVersionIsGone) {
  StoreOptions options;
  options.history_limit = 2;
  ObjectStore store(options);
  for (int i = 0; i < 5; ++i) {
    std::string name = "p" + std::to_string(i);
    store.create("pods", "default", name, pod("default", name));
  }
  auto w = store.watch({"pods", "", nullptr}, 1);
  ASSERT_TRUE(w.error);
  EXPECT_EQ(w.error->code, StoreErrorCode::kGone);
  EXPECT_EQ(w.error->message, "too old resource version: 1 (4)");
  EXPECT_TRUE(store.watch({"pods", "", nullptr}, 3).channel);
}

TEST(ObjectStore, DeleteRemovesAndStampsLastState) {
  ObjectStore store({});
  store.create("pods", "default", "a", pod("default", "a"));
  auto w = store.watch({"pods", "default", nullptr}, std::nullopt);
  auto deleted = store.update("pods", "default", "a", [](boost::json::object&, WriteAction& a) {
    a = WriteAction::kDelete;
    return std::optional<StoreError>();
  });
  ASSERT_TRUE(deleted.ok());
  EXPECT_FALSE(store.get("pods", "default", "a").ok());
  std::vector<WatchEvent> events;
  w.channel->wait_pop(events, std::chrono::milliseconds(100));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, WatchEventType::kAdded);
  EXPECT_EQ(events[1].type, WatchEventType::kDeleted);
  EXPECT_EQ(rv_in_json(*events[1].json), std::to_string(deleted.value().resource_version));
}

TEST(ObjectStore, IndexesDependentsByOwnerUid) {
  ObjectStore store({});
  auto owned = [](const std::string& name, const std::string& owner) {
    auto p = pod("default", name);
    auto& meta = p["metadata"].as_object();
    meta["uid"] = "uid-" + name;
    if (!owner.empty()) {
      meta["ownerReferences"] = boost::json::array{boost::json::object{{"uid", owner}}};
    }
    return p;
  };
  store.create("pods", "default", "owner", owned("owner", ""));
  store.create("pods", "default", "a", owned("a", "uid-owner"));
  store.create("pods", "default", "b", owned("b", "uid-owner"));
  EXPECT_EQ(store.dependents("uid-owner").size(), 2u);
  EXPECT_TRUE(store.find_uid("uid-a"));
  store.update("pods", "default", "a", [](boost::json::object& o, WriteAction&) {
    o["metadata"].as_object().erase("ownerReferences");
    return std::optional<StoreError>();
  });
  store.update("pods", "default", "b", [](boost::json::object&, WriteAction& action) {
    action = WriteAction::kDelete;
    return std::optional<StoreError>();
  });
  EXPECT_TRUE(store.dependents("uid-owner").empty());
  EXPECT_FALSE(store.find_uid("uid-b"));
}

TEST(ObjectStore, SqliteKeepsObjectsAndSequenceAcrossRestart) {
  auto dir = boost::filesystem::temp_directory_path() / boost::filesystem::unique_path();
  boost::filesystem::create_directories(dir);
  StoreOptions options;
  options.sqlite_path = (dir / "state.db").string();
  std::uint64_t last = 0;
  {
    ObjectStore store(options);
    store.create("pods", "default", "a", pod("default", "a"));
    store.create("pods", "default", "b", pod("default", "b"));
    last = store
               .update("pods", "default", "b",
                       [](boost::json::object&, WriteAction& a) {
                         a = WriteAction::kDelete;
                         return std::optional<StoreError>();
                       })
               .value()
               .resource_version;
  }
  {
    ObjectStore store(options);
    EXPECT_EQ(store.current_resource_version(), last);
    EXPECT_TRUE(store.get("pods", "default", "a").ok());
    EXPECT_FALSE(store.get("pods", "default", "b").ok());
    auto c = store.create("pods", "default", "c", pod("default", "c"));
    EXPECT_EQ(c.value().resource_version, last + 1);
  }
  boost::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dynop::localcluster::storage
