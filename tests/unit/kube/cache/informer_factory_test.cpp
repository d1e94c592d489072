#include "lib/kube/cache/informer_factory.hpp"

#include <gtest/gtest.h>

#include "lib/metrics/registry.hpp"
#include "tests/unit/kube/cache/fake_lister_watcher.hpp"

namespace dynop::kube {
namespace {

using testing::FakeListerWatcher;
using testing::FakeServer;

struct Fixture {
  FakeServer server;
  int made = 0;
  InformerFactory factory{
      [](const std::string& api_version, const std::string& kind) -> Result<ResourceInfo> {
        if (kind == "Missing") return error_from_response(404, "");
        ResourceInfo info;
        info.version = api_version;
        info.kind = kind;
        info.resource = "things";
        return info;
      },
      [this](const ResourceInfo&) {
        ++made;
        return std::make_unique<FakeListerWatcher>(server);
      }};
};

TEST(InformerFactory, OneInformerPerKindSharedByAllConsumers) {
  Fixture f;
  auto first = f.factory.informer_for("v1", "ConfigMap");
  auto second = f.factory.informer_for("v1", "ConfigMap");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(f.made, 1);
  EXPECT_FALSE(f.factory.informer_for("v1", "Missing"));
  f.factory.start();
  EXPECT_TRUE(f.factory.wait_for_sync(std::chrono::seconds(20)));
  EXPECT_TRUE(f.factory.has_synced());
  // Created after start: starts at once.
  auto late = f.factory.informer_for("v1", "Secret");
  ASSERT_TRUE(late);
  EXPECT_TRUE((*late)->wait_for_sync(std::chrono::seconds(20)));
  f.factory.stop();
}

TEST(InformerFactory, ProjectionsMergeAndSelectorsMustAgree) {
  Fixture f;
  KindOptions a;
  a.label_selector = "app=web";
  a.projection = std::make_shared<Projection>(std::vector<std::string>{"spec.replicas"});
  KindOptions b = a;
  b.projection = std::make_shared<Projection>(std::vector<std::string>{"status.phase"});
  ASSERT_TRUE(f.factory.configure("v1", "Pod", a));
  ASSERT_TRUE(f.factory.configure("v1", "Pod", b));
  KindOptions other = a;
  other.label_selector = "app=db";
  auto conflict = f.factory.configure("v1", "Pod", other);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().message,
            "conflicting selectors for v1/Pod: \"app=web\"/\"\" and \"app=db\"/\"\"");
  auto informer = f.factory.informer_for("v1", "Pod");
  ASSERT_TRUE(informer);
  const auto paths = (*informer)->options().projection->paths();
  EXPECT_NE(std::find(paths.begin(), paths.end(), "spec.replicas"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "status.phase"), paths.end());
  EXPECT_EQ((*informer)->options().label_selector, "app=web");
  EXPECT_FALSE(f.factory.configure("v1", "Pod", a));  // too late once created
}

TEST(InformerFactory, InformersExportMetricsLabelledWithTheirResource) {
  Fixture f;
  metrics::Registry registry;
  f.factory.set_metrics(registry);
  f.server.apply(boost::json::object{{"kind", "ConfigMap"},
                                     {"apiVersion", "v1"},
                                     {"metadata", {{"name", "a"}, {"namespace", "default"}}}});
  ASSERT_TRUE(f.factory.informer_for("v1", "ConfigMap"));
  f.factory.start();
  ASSERT_TRUE(f.factory.wait_for_sync(std::chrono::seconds(20)));
  EXPECT_EQ(registry.gauge("dynop_informer_objects", "").with({{"resource", "things"}}).Value(), 1);
  const std::string text = registry.serialize();
  EXPECT_NE(text.find("dynop_informer_lists_total{resource=\"things\",result=\"success\"} 1\n"),
            std::string::npos)
      << text;
  f.factory.stop();
}

}  // namespace
}  // namespace dynop::kube
