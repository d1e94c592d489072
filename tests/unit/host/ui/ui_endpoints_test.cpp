#include "host/ui/ui_endpoints.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/unit/host/server/ops_server_fixture.hpp"

namespace dynop::host::ui {
namespace {

class UiEndpoints : public OpsServerFixture {
 protected:
  void add_endpoints() override { add_ui_endpoints(server_, nullptr); }
};

TEST_F(UiEndpoints, ThePageAndItsFilesAreServedFromTheBinary) {
  auto page = get("/ui/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<script src=\"timeline.js\"></script>"), std::string::npos);
  auto script = get("/ui/timeline.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(script.body.find("api/timeline"), std::string::npos);
  EXPECT_EQ(get("/ui/timeline.css").header("Content-Type"), "text/css; charset=utf-8");
  auto bare = get("/ui");
  EXPECT_EQ(bare.status, 301);
  EXPECT_EQ(bare.header("Location"), "/ui/");
}

TEST_F(UiEndpoints, TheTimelineAnswersJsonAndABadParameterIsA400NamingIt) {
  auto ok = get("/ui/api/timeline?window=1h");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.header("Content-Type"), "application/json");
  auto doc = boost::json::parse(ok.body);
  EXPECT_EQ(doc.at("window"), "1h");
  EXPECT_EQ(doc.at("end").as_double() - doc.at("start").as_double(), 3600);

  auto bad = get("/ui/api/timeline?window=2d");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, "window: \"2d\" is not one of 15m, 1h, 6h\n");
  bad = get("/ui/api/timeline?ttft=0");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, "ttft: \"0\" is not a positive number of seconds\n");
  bad = get("/ui/api/timeline?from=1");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, "unknown parameter \"from\" (known: window, namespace, graph, ttft, itl)\n");
}

}  // namespace
}  // namespace dynop::host::ui
