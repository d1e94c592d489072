#include "lib/kube/cache/informer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "lib/metrics/registry.hpp"
#include "tests/unit/kube/cache/fake_lister_watcher.hpp"

namespace dynop::kube {
namespace {

using testing::FakeListerWatcher;
using testing::FakeServer;

boost::json::object config_map(const std::string& name, const std::string& value,
                               const std::string& ns = "default") {
  boost::json::object object{{"kind", "ConfigMap"}, {"apiVersion", "v1"}};
  object["metadata"] = boost::json::object{{"name", name}, {"namespace", ns}};
  object["data"] = boost::json::object{{"value", value}};
  return object;
}

// Polls (bounded) until `pred` holds: the informer works on its own thread.
template <typename Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 20000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return pred();
}

struct Recorder {
  std::mutex mutex;
  std::vector<std::string> events;
  EventHandler handler() {
    EventHandler h;
    h.on_add = [this](const ObjectPtr& o) { push("add " + std::string(o->key())); };
    h.on_update = [this](const ObjectPtr&, const ObjectPtr& o) {
      push("update " + std::string(o->key()));
    };
    h.on_delete = [this](const ObjectPtr& o) { push("delete " + std::string(o->key())); };
    return h;
  }
  void push(std::string event) {
    std::lock_guard guard(mutex);
    events.push_back(std::move(event));
  }
  bool saw(const std::string& event) {
    std::lock_guard guard(mutex);
    return std::find(events.begin(), events.end(), event) != events.end();
  }
  std::size_t count() {
    std::lock_guard guard(mutex);
    return events.size();
  }
};

InformerOptions fast_options() {
  InformerOptions options;
  options.api_version = "v1";
  options.kind = "ConfigMap";
  options.initial_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(5);
  return options;
}

std::string value_of(const ObjectPtr& object) {
  auto json = boost::json::parse(object->json()).as_object();
  return std::string(json["data"].as_object()["value"].as_string());
}

TEST(Informer, ListsThenWatches) {
  FakeServer server;
  server.apply(config_map("a", "1"));
  server.apply(config_map("b", "1"));
  Informer informer(fast_options(), std::make_unique<FakeListerWatcher>(server));
  Recorder recorder;
  informer.add_handler(recorder.handler());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  EXPECT_EQ(informer.cache().size(), 2u);
  ASSERT_TRUE(eventually([&] { return recorder.count() == 2; }));
  EXPECT_TRUE(recorder.saw("add default/a"));

  server.apply(config_map("a", "2"));
  server.apply(config_map("c", "1"));
  server.remove("default/b");
  ASSERT_TRUE(eventually([&] { return recorder.saw("delete default/b"); }));
  EXPECT_TRUE(recorder.saw("update default/a"));
  EXPECT_TRUE(recorder.saw("add default/c"));
  EXPECT_EQ(value_of(informer.cache().get("default/a")), "2");
  EXPECT_EQ(informer.cache().get("default/b"), nullptr);
  // The watch asked for bookmarks and resumed from the list's resourceVersion.
  EXPECT_TRUE(server.last_watch_options.allow_watch_bookmarks);
  EXPECT_EQ(server.last_watch_options.resource_version, "102");
  // List items get kind and apiVersion back.
  auto json = boost::json::parse(informer.cache().get("default/c")->json()).as_object();
  EXPECT_EQ(json["kind"], "ConfigMap");
  informer.stop();
}

TEST(Informer, PaginatesTheInitialList) {
  FakeServer server;
  for (int i = 0; i < 7; ++i) server.apply(config_map("cm-" + std::to_string(i), "x"));
  auto options = fast_options();
  options.page_size = 2;
  Informer informer(options, std::make_unique<FakeListerWatcher>(server));
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  EXPECT_EQ(informer.cache().size(), 7u);
  EXPECT_EQ(server.lists(), 4);
}

TEST(Informer, ResumesADroppedWatchWithoutRelisting) {
  FakeServer server;
  server.apply(config_map("a", "1"));
  Informer informer(fast_options(), std::make_unique<FakeListerWatcher>(server));
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  ASSERT_TRUE(eventually([&] { return server.watches() == 1; }));
  server.drop_watches();
  server.apply(config_map("a", "2"));
  ASSERT_TRUE(eventually([&] {
    auto a = informer.cache().get("default/a");
    return a && value_of(a) == "2";
  }));
  EXPECT_EQ(server.lists(), 1);
  EXPECT_GE(server.watches(), 2);
}

TEST(Informer, RelistsAfterGoneAndDeliversTheDifference) {
  FakeServer server;
  server.apply(config_map("keep", "1"));
  server.apply(config_map("old", "1"));
  Informer informer(fast_options(), std::make_unique<FakeListerWatcher>(server));
  Recorder recorder;
  informer.add_handler(recorder.handler());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  ASSERT_TRUE(eventually([&] { return server.watches() == 1; }));
  // While the watch is down the server changes and forgets its history.
  server.drop_watches();
  server.remove("default/old");
  server.apply(config_map("new", "1"));
  server.compact();
  ASSERT_TRUE(eventually([&] { return recorder.saw("add default/new"); }));
  ASSERT_TRUE(eventually([&] { return recorder.saw("delete default/old"); }));
  EXPECT_EQ(informer.cache().size(), 2u);
  EXPECT_GE(informer.stats().relists_after_gone, 1u);
  EXPECT_EQ(server.lists(), 2);
}

TEST(Informer, BookmarksMoveTheResumePoint) {
  FakeServer server;
  server.apply(config_map("a", "1"));
  Informer informer(fast_options(), std::make_unique<FakeListerWatcher>(server));
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  server.bookmark();  // at the list's resourceVersion: nothing to apply
  server.apply(config_map("a", "2"));
  server.bookmark();
  ASSERT_TRUE(eventually([&] { return informer.last_resource_version() == "102"; }));
  EXPECT_EQ(informer.cache().size(), 1u);
  EXPECT_EQ(informer.stats().decode_errors, 0u);
}

TEST(Informer, RetriesAFailingListWithBackoff) {
  FakeServer server;
  server.apply(config_map("a", "1"));
  server.fail_next_lists(3);
  Informer informer(fast_options(), std::make_unique<FakeListerWatcher>(server));
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  EXPECT_EQ(server.lists(), 4);
  EXPECT_NE(informer.stats().last_error.find("500 InternalError: etcd unavailable"),
            std::string::npos)
      << informer.stats().last_error;
}

TEST(Informer, LateHandlersReplayTheCacheAsAdds) {
  FakeServer server;
  server.apply(config_map("a", "1"));
  server.apply(config_map("b", "1"));
  Informer informer(fast_options(), std::make_unique<FakeListerWatcher>(server));
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  Recorder late;
  informer.add_handler(late.handler());
  EXPECT_EQ(late.count(), 2u);
  EXPECT_TRUE(late.saw("add default/b"));
}

TEST(Informer, AThrowingHandlerDoesNotStopTheInformer) {
  FakeServer server;
  Informer informer(fast_options(), std::make_unique<FakeListerWatcher>(server));
  EventHandler bad;
  bad.on_add = [](const ObjectPtr&) { throw std::runtime_error("boom"); };
  informer.add_handler(bad);
  Recorder recorder;
  informer.add_handler(recorder.handler());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  server.apply(config_map("a", "1"));
  server.apply(config_map("b", "1"));
  ASSERT_TRUE(eventually([&] { return recorder.saw("add default/b"); }));
  EXPECT_NE(informer.stats().last_error.find("boom"), std::string::npos);
}

TEST(Informer, StopEndsABlockedWatch) {
  FakeServer server;
  Informer informer(fast_options(), std::make_unique<FakeListerWatcher>(server));
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  ASSERT_TRUE(eventually([&] { return server.watches() == 1; }));
  informer.stop();  // returns: the watch was cancelled
  SUCCEED();
}

// An informer exporting its metrics to `registry_` as resource "configmaps".
class InformerMetricsTest : public ::testing::Test {
 protected:
  // Starts the informer; waits until it has listed and opened its first watch.
  void start() {
    InformerOptions options = fast_options();
    options.metrics = &registry_;
    options.resource = "configmaps";
    informer_ = std::make_unique<Informer>(options, std::make_unique<FakeListerWatcher>(server_));
    informer_->start();
    ASSERT_TRUE(informer_->wait_for_sync(std::chrono::seconds(20)));
    ASSERT_TRUE(eventually([&] { return server_.watches() == 1; }));
  }
  // dynop_informer_<name>{resource="configmaps",<label>}: a counter, or the objects gauge.
  double metric(const std::string& name, const std::string& key = "",
                const std::string& value = "") {
    metrics::Labels labels{{"resource", "configmaps"}};
    if (!key.empty()) labels.emplace(key, value);
    const std::string full = "dynop_informer_" + name;
    if (name == "objects") return registry_.gauge(full, "").with(labels).Value();
    return registry_.counter(full, "").with(labels).Value();
  }
  bool eventually_metric(const std::string& name, const std::string& key, const std::string& value,
                         double want) {
    return eventually([&] { return metric(name, key, value) == want; });
  }

  FakeServer server_;
  metrics::Registry registry_;
  std::unique_ptr<Informer> informer_;
};

TEST_F(InformerMetricsTest, CountListsWatchesEventsAndCachedObjects) {
  server_.apply(config_map("a", "1"));
  server_.apply(config_map("b", "1"));
  start();
  EXPECT_EQ(metric("objects"), 2);

  server_.apply(config_map("a", "2"));
  server_.apply(config_map("c", "1"));
  server_.apply(config_map("d", "1"));
  server_.remove("default/b");
  server_.bookmark();
  ASSERT_TRUE(eventually_metric("events_total", "type", "BOOKMARK", 1));
  EXPECT_EQ(metric("events_total", "type", "ADDED"), 2);
  EXPECT_EQ(metric("events_total", "type", "MODIFIED"), 1);
  EXPECT_EQ(metric("events_total", "type", "DELETED"), 1);
  EXPECT_EQ(metric("objects"), 3);  // a, c, d
  EXPECT_EQ(metric("relists_total", "reason", "initial"), 1);
  EXPECT_EQ(metric("lists_total", "result", "success"), 1);
  EXPECT_EQ(metric("watches_total"), 1);

  // A watch the server ends normally is resumed, not relisted.
  server_.close_watches();
  ASSERT_TRUE(eventually_metric("watches_total", "", "", 2));
  EXPECT_EQ(metric("watch_ends_total", "reason", "closed"), 1);
  EXPECT_EQ(metric("lists_total", "result", "success"), 1);

  // What /metrics shows.
  const std::string text = registry_.serialize();
  EXPECT_NE(text.find("# TYPE dynop_informer_events_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("dynop_informer_events_total{resource=\"configmaps\",type=\"ADDED\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("dynop_informer_objects{resource=\"configmaps\"} 3\n"), std::string::npos)
      << text;
}

TEST_F(InformerMetricsTest, ADroppedWatchEndsWithErrorAndANewWatchStarts) {
  server_.apply(config_map("a", "1"));
  start();
  server_.drop_watches();
  ASSERT_TRUE(eventually_metric("watches_total", "", "", 2));
  EXPECT_EQ(metric("watch_ends_total", "reason", "error"), 1);
  EXPECT_EQ(metric("relists_total", "reason", "gone"), 0);
}

TEST_F(InformerMetricsTest, GoneCountsAWatchEndAndARelistWithReasonGone) {
  server_.apply(config_map("old", "1"));
  start();
  server_.remove("default/old");
  server_.apply(config_map("new", "1"));
  server_.apply(config_map("newer", "1"));
  server_.expire_watches();
  ASSERT_TRUE(eventually_metric("relists_total", "reason", "gone", 1));
  ASSERT_TRUE(eventually_metric("lists_total", "result", "success", 2));
  EXPECT_EQ(metric("watch_ends_total", "reason", "gone"), 1);
  EXPECT_EQ(metric("relists_total", "reason", "initial"), 1);
  EXPECT_EQ(metric("objects"), 2);  // set from the relist
}

TEST_F(InformerMetricsTest, FailedListsAreCountedAndRetriedWithReasonError) {
  server_.apply(config_map("a", "1"));
  server_.fail_next_lists(3);
  start();
  EXPECT_EQ(metric("lists_total", "result", "error"), 3);
  EXPECT_EQ(metric("lists_total", "result", "success"), 1);
  EXPECT_EQ(metric("relists_total", "reason", "initial"), 1);
  EXPECT_EQ(metric("relists_total", "reason", "error"), 3);
}

TEST(InformerMetrics, ResourceLabelIsPluralDotGroup) {
  ResourceInfo pods;
  pods.version = "v1";
  pods.resource = "pods";
  EXPECT_EQ(resource_label(pods), "pods");
  ResourceInfo dgds;
  dgds.group = "nvidia.com";
  dgds.version = "v1alpha1";
  dgds.resource = "dynamographdeployments";
  EXPECT_EQ(resource_label(dgds), "dynamographdeployments.nvidia.com");
}

}  // namespace
}  // namespace dynop::kube
