// Informers against the real dynop-localcluster: initial sync (paginated),
// watch, a server restart with its watch history gone (410 -> relist), and a
// controller converging through all of it.

#include "lib/kube/cache/informer.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>

#include "lib/controller/controller.hpp"
#include "lib/kube/cache/informer_factory.hpp"
#include "tests/integration/runtime/runtime_cluster.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::runtime_test {
namespace {

using kube::Informer;
using kube::InformerOptions;
using kube::ListOptions;
using test::eventually;

InformerOptions fast(const std::string& kind) {
  InformerOptions options;
  options.api_version = "v1";
  options.kind = kind;
  options.page_size = 7;
  options.initial_backoff = std::chrono::milliseconds(20);
  options.max_backoff = std::chrono::milliseconds(200);
  return options;
}

std::string value_in_cache(const Informer& informer, const std::string& key) {
  auto object = informer.cache().get(key);
  return object ? field(std::string(object->json()), {"data", "value"}) : "<absent>";
}

TEST(Informer, SyncsPaginatedAndFollowsTheWatch) {
  test::LocalCluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  auto client = client_for(cluster);
  ASSERT_NE(client, nullptr);
  auto config_maps = client->resource_for("v1", "ConfigMap");
  ASSERT_TRUE(config_maps);
  for (int i = 0; i < 30; ++i)
    ASSERT_TRUE(
        client->create(*config_maps, "default", config_map("cm-" + std::to_string(i), "0")));

  auto factory = kube::make_informer_factory(*client);
  factory->defaults() = fast("ConfigMap");
  auto informer = factory->informer_for("v1", "ConfigMap");
  ASSERT_TRUE(informer) << informer.error().describe();
  factory->start();
  ASSERT_TRUE(factory->wait_for_sync(std::chrono::seconds(60)));
  EXPECT_GE((*informer)->cache().size(), 30u);  // plus whatever the server creates itself
  EXPECT_EQ((*informer)->cache().by_index(kube::kNamespaceIndex, "default").size(),
            (*informer)->cache().size() -
                (*informer)->cache().by_index(kube::kNamespaceIndex, "kube-system").size() -
                (*informer)->cache().by_index(kube::kNamespaceIndex, "kube-public").size());

  ASSERT_TRUE(client->patch(*config_maps, "default", "cm-3", kube::PatchType::kMerge,
                            R"({"data":{"value":"changed"}})"));
  ASSERT_TRUE(client->remove(*config_maps, "default", "cm-4"));
  ASSERT_TRUE(client->create(*config_maps, "default", config_map("late", "1")));
  EXPECT_TRUE(eventually([&] {
    return value_in_cache(**informer, "default/cm-3") == "changed" &&
           value_in_cache(**informer, "default/cm-4") == "<absent>" &&
           value_in_cache(**informer, "default/late") == "1";
  }));
  // Cached objects are compact: no managedFields, kind/apiVersion present.
  const std::string json((*informer)->cache().get("default/cm-0")->json());
  EXPECT_EQ(json.find("managedFields"), std::string::npos);
  EXPECT_EQ(field(json, {"kind"}), "ConfigMap");
  factory->stop();
}

// Lets a test hold the informer's watch reconnects while it changes the
// server, so the resume happens exactly when the test wants.
class GatedListerWatcher : public kube::ListerWatcher {
 public:
  GatedListerWatcher(std::unique_ptr<kube::ListerWatcher> inner, std::mutex& mutex,
                     std::condition_variable& cv, bool& open)
      : inner_(std::move(inner)), mutex_(mutex), cv_(cv), open_(open) {}
  kube::Result<std::string> list(const ListOptions& options) override {
    wait();
    return inner_->list(options);
  }
  kube::Result<std::unique_ptr<kube::EventStream>> watch(const ListOptions& options) override {
    wait();
    return inner_->watch(options);
  }

 private:
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, std::chrono::seconds(60), [&] { return open_; });
  }
  std::unique_ptr<kube::ListerWatcher> inner_;
  std::mutex& mutex_;
  std::condition_variable& cv_;
  bool& open_;
};

std::string port_of(const std::string& url) { return url.substr(url.rfind(':') + 1); }

TEST(Informer, RelistsAfterRestartWithCompactedHistoryAndLosesNoUpdate) {
  test::TempDir dir("runtime-relist");
  const std::string data = dir.path().string();
  auto first = std::make_unique<test::LocalCluster>(
      test::LocalCluster::Options{false, {"--watch-history", "2"}}, data);
  ASSERT_TRUE(first->ok()) << first->error();
  const std::string port = port_of(first->url());
  auto client = client_for(*first);
  ASSERT_NE(client, nullptr);
  auto config_maps = client->resource_for("v1", "ConfigMap");
  ASSERT_TRUE(config_maps);
  ASSERT_TRUE(client->create(*config_maps, "default", config_map("stays", "1")));
  ASSERT_TRUE(client->create(*config_maps, "default", config_map("deleted-while-away", "1")));

  std::mutex mutex;
  std::condition_variable cv;
  bool open = true;
  Informer informer(fast("ConfigMap"), std::make_unique<GatedListerWatcher>(
                                           client->lister_watcher(*config_maps), mutex, cv, open));
  std::mutex seen_mutex;
  std::set<std::string> deleted;
  kube::EventHandler handler;
  handler.on_delete = [&](const kube::ObjectPtr& object) {
    std::lock_guard guard(seen_mutex);
    deleted.insert(std::string(object->key()));
  };
  informer.add_handler(handler);
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(60)));
  const auto lists_before = informer.stats().lists;

  // The server goes away; reconnects are held until it has moved on.
  {
    std::lock_guard guard(mutex);
    open = false;
  }
  first->kill();
  first.reset();
  test::LocalCluster second(
      test::LocalCluster::Options{false, {"--watch-history", "2", "--port", port}}, data);
  ASSERT_TRUE(second.ok()) << second.error();
  auto writer = client_for(second);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->remove(*config_maps, "default", "deleted-while-away"));
  ASSERT_TRUE(writer->patch(*config_maps, "default", "stays", kube::PatchType::kMerge,
                            R"({"data":{"value":"2"}})"));
  for (int i = 0; i < 5; ++i)  // push the informer's resourceVersion out of the history
    ASSERT_TRUE(
        writer->create(*config_maps, "default", config_map("new-" + std::to_string(i), "1")));
  {
    std::lock_guard guard(mutex);
    open = true;
  }
  cv.notify_all();

  EXPECT_TRUE(eventually(
      [&] {
        return value_in_cache(informer, "default/stays") == "2" &&
               value_in_cache(informer, "default/deleted-while-away") == "<absent>" &&
               value_in_cache(informer, "default/new-4") == "1";
      },
      60));
  // The relist replaces the cache before it calls the handlers and counts
  // itself, so a reader can see the new cache a moment before both.
  EXPECT_TRUE(eventually([&] { return informer.stats().lists > lists_before; }, 60));  // relisted
  EXPECT_TRUE(eventually(
      [&] {
        std::lock_guard guard(seen_mutex);
        return deleted.count("default/deleted-while-away") == 1u;  // the relist's difference
      },
      60));
  // And it watches again after the relist.
  ASSERT_TRUE(writer->create(*config_maps, "default", config_map("after-relist", "1")));
  EXPECT_TRUE(
      eventually([&] { return value_in_cache(informer, "default/after-relist") == "1"; }, 60));
  informer.stop();
}

// A reconciler that keeps "<name>-copy" equal to every ConfigMap "<name>"
// labelled copy=source: level-based, with optimistic concurrency.
class CopyReconciler : public controller::Reconciler {
 public:
  CopyReconciler(kube::Client& client, kube::ResourceInfo config_maps, Informer& cache)
      : client_(client), config_maps_(std::move(config_maps)), cache_(cache) {}
  controller::ReconcileResult reconcile(const controller::Request& request) override {
    auto source = cache_.cache().get(request.ns, request.name);
    if (!source) return controller::ReconcileResult::done();
    const std::string value = field(std::string(source->json()), {"data", "value"});
    const std::string copy_name = request.name + "-copy";
    auto copy = client_.get(config_maps_, request.ns, copy_name);
    if (!copy && copy.error().not_found()) {
      auto created = client_.create(config_maps_, request.ns, config_map(copy_name, value));
      if (!created && !created.error().already_exists())
        return controller::ReconcileResult::error(created.error().describe());
      return controller::ReconcileResult::requeue(std::chrono::milliseconds(1));
    }
    if (!copy) return controller::ReconcileResult::error(copy.error().describe());
    if (field(*copy, {"data", "value"}) == value) return controller::ReconcileResult::done();
    auto updated =
        client_.update(config_maps_, request.ns, copy_name,
                       config_map(copy_name, value, field(*copy, {"metadata", "resourceVersion"})));
    if (!updated) return controller::ReconcileResult::error(updated.error().describe());
    return controller::ReconcileResult::done();
  }

 private:
  kube::Client& client_;
  kube::ResourceInfo config_maps_;
  Informer& cache_;
};

TEST(Controller, KeepsCopiesInStepThroughManyWrites) {
  test::LocalCluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  auto client = client_for(cluster);
  ASSERT_NE(client, nullptr);
  auto config_maps = client->resource_for("v1", "ConfigMap");
  ASSERT_TRUE(config_maps);
  auto options = fast("ConfigMap");
  options.label_selector = "copy=source";
  Informer sources(options, client->lister_watcher(*config_maps));
  CopyReconciler reconciler(*client, *config_maps, sources);
  controller::ControllerOptions controller_options;
  controller_options.name = "copy";
  controller_options.workers = 2;
  controller::Controller controller(controller_options, reconciler);
  controller.watch(sources, controller::map_same_key());
  sources.start();
  ASSERT_TRUE(sources.wait_for_sync(std::chrono::seconds(60)));
  controller.start();

  auto source = [](const std::string& name, const std::string& value) {
    auto object = boost::json::parse(config_map(name, value)).as_object();
    object["metadata"].as_object()["labels"] = boost::json::object{{"copy", "source"}};
    return boost::json::serialize(object);
  };
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(client->create(*config_maps, "default", source("s" + std::to_string(i), "0")));
  for (int round = 1; round <= 10; ++round)
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE(client->patch(*config_maps, "default", "s" + std::to_string(i),
                                kube::PatchType::kMerge,
                                R"({"data":{"value":")" + std::to_string(round) + R"("}})"));
  EXPECT_TRUE(eventually(
      [&] {
        for (int i = 0; i < 5; ++i) {
          auto copy = client->get(*config_maps, "default", "s" + std::to_string(i) + "-copy");
          if (!copy || field(*copy, {"data", "value"}) != "10") return false;
        }
        return true;
      },
      60));
  controller.stop();
  sources.stop();
}

}  // namespace
}  // namespace dynop::runtime_test
