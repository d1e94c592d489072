// The audit log file: lines buffered and on disk after flush() or close,
// appended to what an earlier run left, one whole line per request even
// with many writers, and a path that cannot be opened named in the error.

#include "localcluster/audit/audit_log.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <thread>
#include <vector>

#include "tests/support/file_text.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/text_lines.hpp"

namespace dynop::localcluster::audit {
namespace {

Event event_for(const std::string& name) {
  Event event;
  event.audit_id = name;
  event.verb = "get";
  event.request_uri = "/api/v1/namespaces/default/pods/" + name;
  event.user.username = "admin";
  event.object_ref = ObjectRef{"pods", "default", name, "", "v1", ""};
  event.code = 200;
  return event;
}

TEST(AuditLog, LinesReachTheFileOnFlushAndAppendAcrossOpens) {
  test::TempDir dir;
  const auto path = dir.path() / "audit.log";
  std::string error;
  {
    auto log = AuditLog::open(path, error);
    ASSERT_TRUE(log) << error;
    log->write(event_for("a"));
    log->flush();
    EXPECT_EQ(test::file_text(path), to_json_line(event_for("a")) + "\n");
    log->write(event_for("b"));
  }  // closing flushes
  {
    auto log = AuditLog::open(path, error);  // a restart appends
    ASSERT_TRUE(log) << error;
    log->write(event_for("c"));
  }
  EXPECT_EQ(test::file_text(path), to_json_line(event_for("a")) + "\n" +
                                       to_json_line(event_for("b")) + "\n" +
                                       to_json_line(event_for("c")) + "\n");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u) << "requests name users and objects: owner only";
}

TEST(AuditLog, ConcurrentWritersLeaveWholeLines) {
  test::TempDir dir;
  const auto path = dir.path() / "audit.log";
  std::string error;
  {
    auto log = AuditLog::open(path, error);
    ASSERT_TRUE(log) << error;
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&log, t] {
        for (int i = 0; i < 2000; ++i)
          log->write(event_for("pod-" + std::to_string(t) + "-" + std::to_string(i)));
      });
    }
    for (auto& writer : writers) writer.join();
  }
  const auto lines = test::lines_of(test::file_text(path));
  ASSERT_EQ(lines.size(), 8000u);
  for (const auto& line : lines) EXPECT_EQ(boost::json::parse(line).at("verb"), "get") << line;
}

TEST(AuditLog, AnUnopenablePathIsNamedInTheError) {
  test::TempDir dir;
  std::string error;
  EXPECT_FALSE(AuditLog::open(dir.path() / "missing" / "audit.log", error));
  EXPECT_NE(error.find("--audit-log-path " + (dir.path() / "missing" / "audit.log").string()),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("No such file or directory"), std::string::npos) << error;
}

}  // namespace
}  // namespace dynop::localcluster::audit
