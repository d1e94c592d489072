// Group commit in ObjectStore with SQLite: writes that wait for the store's
// write lock while another write holds it share that write's transaction;
// each is answered only after the transaction committed, all survive a
// reopen with their resourceVersions in order, and a write whose statement
// fails fails alone.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/filesystem.hpp>
#include <boost/json.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::storage {
namespace {

boost::json::object pod(const std::string& name) {
  return boost::json::object{{"apiVersion", "v1"},
                             {"kind", "Pod"},
                             {"metadata", {{"name", name}, {"namespace", "default"}}},
                             {"spec", {{"nodeName", ""}}}};
}

class GroupCommit : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = boost::filesystem::temp_directory_path() / boost::filesystem::unique_path();
    boost::filesystem::create_directories(dir_);
    options_.sqlite_path = (dir_ / "state.db").string();
  }
  void TearDown() override { boost::filesystem::remove_all(dir_); }

  // A trigger refusing rows whose key contains `marker`, with RAISE(`how`):
  // ABORT undoes the statement, ROLLBACK the whole transaction.
  void refuse_rows(const std::string& marker, const std::string& how) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(options_.sqlite_path.c_str(), &db), SQLITE_OK);
    // The store's own schema (CREATE TABLE IF NOT EXISTS there keeps it).
    std::string sql =
        "CREATE TABLE IF NOT EXISTS objects(key TEXT PRIMARY KEY, rv INTEGER NOT NULL, "
        "value BLOB NOT NULL) WITHOUT ROWID;"
        "CREATE TRIGGER refuse_" +
        marker + " BEFORE INSERT ON objects WHEN NEW.key LIKE '%" + marker +
        "%' BEGIN SELECT RAISE(" + how + ", 'refused row " + marker + "'); END;";
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  // Runs `first` (an update of pod "held" whose mutator holds the write lock
  // for a while) and, while it holds it, `others` (each in its own thread,
  // all then waiting for the lock). Returns the results in that order.
  std::vector<StoreResult<StoredObject>> run_while_held(
      ObjectStore& store, const std::vector<std::function<StoreResult<StoredObject>()>>& others) {
    std::promise<void> holding;
    std::atomic<std::size_t> started{0};
    auto first = std::async(std::launch::async, [&] {
      return store.update("pods", "default", "held", [&](boost::json::object& o, WriteAction&) {
        holding.set_value();
        // Until every other thread is about to call the store, then long
        // enough for those calls to reach the lock (a few instructions).
        for (int i = 0; i < 1000 && started.load() < others.size(); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        o["spec"].as_object()["nodeName"] = "n1";
        return std::optional<StoreError>();
      });
    });
    holding.get_future().wait();
    std::vector<std::future<StoreResult<StoredObject>>> waiting;
    for (const auto& other : others) {
      waiting.push_back(std::async(std::launch::async, [&started, &other] {
        ++started;
        return other();
      }));
    }
    std::vector<StoreResult<StoredObject>> results{first.get()};
    for (auto& w : waiting) results.push_back(w.get());
    return results;
  }

  boost::filesystem::path dir_;
  StoreOptions options_;
};

TEST_F(GroupCommit, WritesWaitingForTheLockShareOneTransaction) {
  std::uint64_t base = 0;
  {
    ObjectStore store(options_);
    ASSERT_TRUE(store.create("pods", "default", "held", pod("held")).ok());
    base = store.current_resource_version();
    auto watch = store.watch({"pods", "", nullptr}, base);
    const std::uint64_t commits_before = store.storage_commits();
    auto results = run_while_held(
        store, {[&] { return store.create("pods", "default", "b", pod("b")); },
                [&] { return store.create("pods", "default", "c", pod("c")); }});
    std::set<std::uint64_t> rvs;
    for (const auto& r : results) {
      ASSERT_TRUE(r.ok()) << r.error().message;
      rvs.insert(r.value().resource_version);
    }
    EXPECT_EQ(rvs, (std::set<std::uint64_t>{base + 1, base + 2, base + 3}));
    // Three writes, one transaction.
    EXPECT_EQ(store.storage_commits() - commits_before, 1u);
    // Watchers got all three, committed, in resourceVersion order.
    std::vector<WatchEvent> events;
    while (events.size() < 3 && watch.channel->wait_pop(events, std::chrono::milliseconds(1000))) {
    }
    ASSERT_EQ(events.size(), 3u);
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].resource_version, base + 1 + i);
    }
  }
  ObjectStore reopened(options_);
  EXPECT_EQ(reopened.current_resource_version(), base + 3);
  EXPECT_TRUE(reopened.get("pods", "default", "b").ok());
  EXPECT_TRUE(reopened.get("pods", "default", "c").ok());
  auto held = reopened.get("pods", "default", "held");
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(*held.value().attrs->field("spec.nodeName"), "n1");
}

TEST_F(GroupCommit, AFailingStatementFailsOnlyItsOwnWrite) {
  refuse_rows("poison", "ABORT");
  std::uint64_t base = 0;
  {
    ObjectStore store(options_);
    ASSERT_TRUE(store.create("pods", "default", "held", pod("held")).ok());
    base = store.current_resource_version();
    auto results = run_while_held(
        store, {[&] { return store.create("pods", "default", "poison", pod("poison")); },
                [&] { return store.create("pods", "default", "c", pod("c")); }});
    ASSERT_TRUE(results[0].ok()) << results[0].error().message;
    ASSERT_FALSE(results[1].ok());
    EXPECT_EQ(results[1].error().message, "storage write failed: refused row poison");
    ASSERT_TRUE(results[2].ok()) << results[2].error().message;
    // The failed write took no resourceVersion.
    EXPECT_EQ((std::set<std::uint64_t>{results[0].value().resource_version,
                                       results[2].value().resource_version}),
              (std::set<std::uint64_t>{base + 1, base + 2}));
    EXPECT_FALSE(store.get("pods", "default", "poison").ok());
  }
  ObjectStore reopened(options_);
  EXPECT_EQ(reopened.current_resource_version(), base + 2);
  EXPECT_FALSE(reopened.get("pods", "default", "poison").ok());
  EXPECT_TRUE(reopened.get("pods", "default", "c").ok());
  EXPECT_EQ(*reopened.get("pods", "default", "held").value().attrs->field("spec.nodeName"), "n1");
}

TEST_F(GroupCommit, AStatementRollingBackTheTransactionFailsOnlyItsOwnWrite) {
  refuse_rows("rollback", "ROLLBACK");
  std::uint64_t base = 0;
  {
    ObjectStore store(options_);
    ASSERT_TRUE(store.create("pods", "default", "held", pod("held")).ok());
    base = store.current_resource_version();
    auto results = run_while_held(
        store, {[&] { return store.create("pods", "default", "rollback", pod("rollback")); },
                [&] { return store.create("pods", "default", "c", pod("c")); }});
    ASSERT_TRUE(results[0].ok()) << results[0].error().message;
    ASSERT_FALSE(results[1].ok());
    EXPECT_EQ(results[1].error().message, "storage write failed: refused row rollback");
    ASSERT_TRUE(results[2].ok()) << results[2].error().message;
  }
  // The writes staged before the rolled-back statement were redone and kept.
  ObjectStore reopened(options_);
  EXPECT_EQ(reopened.current_resource_version(), base + 2);
  EXPECT_FALSE(reopened.get("pods", "default", "rollback").ok());
  EXPECT_TRUE(reopened.get("pods", "default", "c").ok());
  EXPECT_EQ(*reopened.get("pods", "default", "held").value().attrs->field("spec.nodeName"), "n1");
}

TEST_F(GroupCommit, ConcurrentWritesAreAllDurableAndInOrder) {
  constexpr int kThreads = 8;
  constexpr int kEach = 40;
  std::uint64_t base = 0;
  {
    ObjectStore store(options_);
    base = store.current_resource_version();
    auto watch = store.watch({"pods", "", nullptr}, base);
    std::vector<std::thread> writers;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          std::string name = "p" + std::to_string(t) + "-" + std::to_string(i);
          if (!store.create("pods", "default", name, pod(name)).ok()) ++failures;
          // Every write is visible to its writer once answered.
          if (!store.get("pods", "default", name).ok()) ++failures;
        }
      });
    }
    for (auto& w : writers) w.join();
    EXPECT_EQ(failures.load(), 0);
    std::vector<WatchEvent> events;
    while (events.size() < kThreads * kEach &&
           watch.channel->wait_pop(events, std::chrono::milliseconds(1000))) {
    }
    ASSERT_EQ(events.size(), static_cast<std::size_t>(kThreads * kEach));
    for (std::size_t i = 0; i < events.size(); ++i) {
      ASSERT_EQ(events[i].resource_version, base + 1 + i);
    }
  }
  ObjectStore reopened(options_);
  EXPECT_EQ(reopened.current_resource_version(), base + kThreads * kEach);
  EXPECT_EQ(reopened.count("pods"), static_cast<std::size_t>(kThreads * kEach));
}

}  // namespace
}  // namespace dynop::localcluster::storage
