#include "lib/controller/controller.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "lib/metrics/registry.hpp"
#include "tests/unit/kube/cache/fake_lister_watcher.hpp"

namespace dynop::controller {
namespace {

using kube::testing::FakeListerWatcher;
using kube::testing::FakeServer;

template <typename Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 20000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return pred();
}

boost::json::object object(const std::string& kind, const std::string& name,
                           const std::string& owner_kind = "", const std::string& owner = "") {
  boost::json::object o{{"kind", kind}, {"apiVersion", "v1"}};
  o["metadata"] = boost::json::object{{"name", name}, {"namespace", "ns"}};
  if (!owner.empty()) {
    boost::json::array refs;
    refs.push_back(boost::json::object{{"apiVersion", "v1"},
                                       {"kind", owner_kind},
                                       {"name", owner},
                                       {"uid", "uid-" + owner},
                                       {"controller", true}});
    o["metadata"].as_object()["ownerReferences"] = refs;
  }
  return o;
}

kube::InformerOptions options_for(const std::string& kind) {
  kube::InformerOptions options;
  options.api_version = "v1";
  options.kind = kind;
  options.initial_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(5);
  return options;
}

// Counts reconciles per key; fails or throws on demand.
class ScriptedReconciler : public Reconciler {
 public:
  ReconcileResult reconcile(const Request& request) override {
    std::lock_guard guard(mutex_);
    int& count = counts_[request.key()];
    ++count;
    if (request.name == "throws" && count < 3) throw std::runtime_error("boom");
    if (request.name == "fails" && count < 4) return ReconcileResult::error("not yet");
    if (request.name == "terminal") return ReconcileResult::terminal("bad spec");
    if (request.name == "conflicts" && count < 3) return ReconcileResult::conflict("stale copy");
    return ReconcileResult::done();
  }
  int count(const std::string& key) {
    std::lock_guard guard(mutex_);
    return counts_[key];
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> counts_;
};

TEST(Controller, MapsPrimaryAndOwnedObjectsToPrimaryKeys) {
  FakeServer parents;
  FakeServer children;
  parents.apply(object("Parent", "p1"));
  children.apply(object("Child", "c1", "Parent", "p1"));
  children.apply(object("Child", "orphan"));
  children.apply(object("Child", "other-owner", "Stranger", "p9"));
  kube::Informer parent_informer(options_for("Parent"),
                                 std::make_unique<FakeListerWatcher>(parents));
  kube::Informer child_informer(options_for("Child"),
                                std::make_unique<FakeListerWatcher>(children));
  ScriptedReconciler reconciler;
  metrics::Registry registry;
  ControllerOptions options;
  options.name = "parents";
  options.workers = 2;
  options.metrics = &registry;
  Controller controller(options, reconciler);
  controller.watch(parent_informer, map_same_key());
  controller.watch(child_informer, map_controller_owner("v1", "Parent"));
  parent_informer.start();
  child_informer.start();
  ASSERT_TRUE(parent_informer.wait_for_sync(std::chrono::seconds(20)));
  ASSERT_TRUE(child_informer.wait_for_sync(std::chrono::seconds(20)));
  controller.start();
  ASSERT_TRUE(eventually([&] { return reconciler.count("ns/p1") >= 1; }));
  // A change to an owned object reconciles its owner.
  const int before = reconciler.count("ns/p1");
  boost::json::object changed = object("Child", "c1", "Parent", "p1");
  changed["data"] = boost::json::object{{"x", "1"}};
  children.apply(changed);
  ASSERT_TRUE(eventually([&] { return reconciler.count("ns/p1") > before; }));
  controller.stop();
  EXPECT_EQ(reconciler.count("ns/orphan"), 0);
  EXPECT_EQ(reconciler.count("ns/p9"), 0);
  const std::string text = registry.serialize();
  EXPECT_NE(text.find("dynop_reconcile_total{controller=\"parents\",result=\"success\"}"),
            std::string::npos)
      << text;
  parent_informer.stop();
  child_informer.stop();
}

TEST(Controller, ErrorsAndExceptionsAreRetriedWithBackoff) {
  ScriptedReconciler reconciler;
  std::mutex mutex;
  std::vector<std::string> failures;
  ControllerOptions options;
  options.name = "retry";
  options.rate_limiter.base_delay = std::chrono::milliseconds(1);
  options.rate_limiter.max_delay = std::chrono::milliseconds(4);
  options.on_failure = [&](const Request& request, const ReconcileResult& result) {
    std::lock_guard guard(mutex);
    failures.push_back(request.name + ": " + result.message);
  };
  Controller controller(options, reconciler);
  controller.start();
  controller.queue().add(Request{"ns", "throws"});
  controller.queue().add(Request{"ns", "fails"});
  controller.queue().add(Request{"ns", "terminal"});
  ASSERT_TRUE(eventually([&] { return reconciler.count("ns/throws") == 3; }));
  ASSERT_TRUE(eventually([&] { return reconciler.count("ns/fails") == 4; }));
  controller.stop();
  EXPECT_EQ(reconciler.count("ns/terminal"), 1);                          // never retried
  EXPECT_EQ(controller.queue().num_requeues(Request{"ns", "fails"}), 0);  // forgotten on success
  std::lock_guard guard(mutex);
  EXPECT_NE(std::find(failures.begin(), failures.end(), "throws: reconcile threw: boom"),
            failures.end());
  EXPECT_NE(std::find(failures.begin(), failures.end(), "terminal: bad spec"), failures.end());
}

// A lost optimistic-concurrency race is retried with backoff like an error,
// reported to on_failure (which logs it quietly) and counted on its own.
TEST(Controller, ConflictsAreRetriedWithBackoffAndCountedApart) {
  ScriptedReconciler reconciler;
  metrics::Registry registry;
  std::mutex mutex;
  std::vector<ReconcileResult::Outcome> outcomes;
  ControllerOptions options;
  options.name = "racer";
  options.metrics = &registry;
  options.rate_limiter.base_delay = std::chrono::milliseconds(1);
  options.rate_limiter.max_delay = std::chrono::milliseconds(4);
  options.on_failure = [&](const Request&, const ReconcileResult& result) {
    std::lock_guard guard(mutex);
    outcomes.push_back(result.outcome);
  };
  Controller controller(options, reconciler);
  controller.start();
  controller.queue().add(Request{"ns", "conflicts"});
  ASSERT_TRUE(eventually([&] { return reconciler.count("ns/conflicts") == 3; }));
  controller.stop();
  const std::string text = registry.serialize();
  EXPECT_NE(text.find(R"(dynop_reconcile_total{controller="racer",result="conflict"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(dynop_reconcile_total{controller="racer",result="error"} 0)"),
            std::string::npos)
      << text;
  std::lock_guard guard(mutex);
  EXPECT_EQ(outcomes,
            std::vector<ReconcileResult::Outcome>(2, ReconcileResult::Outcome::kConflict));
}

TEST(Controller, KeysQueuedBeforeStartRunOnceStarted) {
  ScriptedReconciler reconciler;
  ControllerOptions options;
  options.name = "late";
  Controller controller(options, reconciler);
  controller.queue().add(Request{"ns", "a"});
  controller.queue().add(Request{"ns", "a"});
  EXPECT_EQ(reconciler.count("ns/a"), 0);
  controller.start();
  ASSERT_TRUE(eventually([&] { return reconciler.count("ns/a") == 1; }));
  controller.stop();
  EXPECT_EQ(reconciler.count("ns/a"), 1);  // deduplicated
}

TEST(Controller, RequeueAfterRunsAgainLater) {
  struct Requeuer : Reconciler {
    std::atomic<int> calls{0};
    ReconcileResult reconcile(const Request&) override {
      return ++calls < 3 ? ReconcileResult::requeue(std::chrono::milliseconds(1))
                         : ReconcileResult::done();
    }
  } reconciler;
  ControllerOptions options;
  options.name = "requeue";
  Controller controller(options, reconciler);
  controller.start();
  controller.queue().add(Request{"", "cluster-scoped"});
  ASSERT_TRUE(eventually([&] { return reconciler.calls.load() == 3; }));
  controller.stop();
}

// Records whether the watched cache had synced each time it was called.
class SyncObserver : public Reconciler {
 public:
  explicit SyncObserver(const kube::Informer& informer) : informer_(informer) {}
  ReconcileResult reconcile(const Request&) override {
    ++calls;
    if (!informer_.has_synced()) ++before_sync;
    return ReconcileResult::done();
  }
  std::atomic<int> calls{0};
  std::atomic<int> before_sync{0};

 private:
  const kube::Informer& informer_;
};

TEST(Controller, WorkersWaitForTheWatchedCachesToSync) {
  FakeServer parents;
  parents.apply(object("Parent", "p1"));
  kube::Informer informer(options_for("Parent"), std::make_unique<FakeListerWatcher>(parents));
  SyncObserver reconciler(informer);
  ControllerOptions options;
  options.name = "sync";
  Controller controller(options, reconciler);
  controller.watch(informer, map_same_key());
  // Started (as on becoming the leader) before the informer has listed.
  controller.queue().add(Request{"ns", "early"});
  controller.start();
  informer.start();
  ASSERT_TRUE(eventually([&] { return reconciler.calls.load() >= 2; }));  // early and p1
  controller.stop();
  informer.stop();
  EXPECT_EQ(reconciler.before_sync.load(), 0);
}

TEST(Controller, StopsWhileWaitingForACacheThatNeverSyncs) {
  FakeServer parents;
  kube::Informer never_started(options_for("Parent"), std::make_unique<FakeListerWatcher>(parents));
  SyncObserver reconciler(never_started);
  ControllerOptions options;
  options.name = "unsynced";
  Controller controller(options, reconciler);
  controller.watch(never_started, map_same_key());
  controller.queue().add(Request{"ns", "queued"});
  controller.start();
  controller.stop();  // returns: the queued key is drained, not waited on forever
  EXPECT_FALSE(controller.running());
}

}  // namespace
}  // namespace dynop::controller
