// What the mirror plugin does through the real dynop host, fault-free: a
// change to an owned copy wakes its source (the host maps it through the
// controller ownerReference), so edits and deletions of a copy are undone;
// its writes are recorded as Events; a source's deletion takes its copy
// with it (owner garbage collection).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/runtime/mirror_scenario.hpp"

namespace dynop {
namespace {

namespace json = boost::json;

constexpr const char* kConfigMaps = "/api/v1/namespaces/default/configmaps/";

class MirrorReconciler : public test::MirrorScenario {
 protected:
  void SetUp() override { start_with_mirrored_sources(2); }

  // The messages of the Events recorded on `source` with reason Mirrored.
  std::vector<std::string> mirrored_events(const std::string& source) {
    std::vector<std::string> out;
    for (const json::value& e : test::items(cluster().get("/api/v1/namespaces/default/events"))) {
      if (test::field_text(e, {"involvedObject", "kind"}) == "ConfigMap" &&
          test::field_text(e, {"involvedObject", "name"}) == source &&
          test::field_text(e, {"reason"}) == "Mirrored" &&
          test::field_text(e, {"type"}) == "Normal") {
        out.push_back(test::field_text(e, {"message"}));
      }
    }
    return out;
  }
};

TEST_F(MirrorReconciler, AnEditedCopyIsRestored) {
  auto edited = cluster().patch(std::string(kConfigMaps) + "src-0-mirror",
                                R"({"data":{"value":"edited by hand"}})");
  ASSERT_EQ(edited.status, 200u) << edited.body;
  expect_copies_converge();
  expect_host_healthy();
}

TEST_F(MirrorReconciler, ADeletedCopyIsRecreated) {
  const std::string copy = std::string(kConfigMaps) + "src-1-mirror";
  const std::string old_uid = test::field_text(cluster().get(copy).json(), {"metadata", "uid"});
  auto deleted = cluster().del(copy);
  ASSERT_EQ(deleted.status, 200u) << deleted.body;
  expect_copies_converge();
  EXPECT_NE(test::field_text(cluster().get(copy).json(), {"metadata", "uid"}), old_uid);
  expect_host_healthy();
}

TEST_F(MirrorReconciler, WritesAreRecordedAsEventsOnTheSource) {
  update_sources(1);
  expect_copies_converge();
  std::vector<std::string> messages;
  EXPECT_TRUE(test::eventually(
      [&] {
        messages = mirrored_events("src-0");
        return std::find(messages.begin(), messages.end(), "created src-0-mirror") !=
                   messages.end() &&
               std::find(messages.begin(), messages.end(), "updated src-0-mirror") !=
                   messages.end();
      },
      kWaitSeconds))
      << ::testing::PrintToString(messages) << context();
}

TEST_F(MirrorReconciler, DeletingTheSourceDeletesItsCopy) {
  auto deleted = cluster().del(std::string(kConfigMaps) + "src-0");
  ASSERT_EQ(deleted.status, 200u) << deleted.body;
  EXPECT_TRUE(test::eventually(
      [&] { return cluster().get(std::string(kConfigMaps) + "src-0-mirror").status == 404; },
      kWaitSeconds))
      << context();
  EXPECT_EQ(cluster().get(std::string(kConfigMaps) + "src-1-mirror").status, 200u);
  expect_host_healthy();
}

}  // namespace
}  // namespace dynop
