// PluginRuntime against the real dynop-localcluster, driven through the C
// ABI hooks a plugin exports (defined here instead of in a .so): the
// reconciler capability becomes a controller, and the host callbacks read
// from the cache and write through the API with kube's errors mapped to
// dynop status codes.

#include "host/manager/plugin_runtime.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "host/plugins/plugin_specs.hpp"
#include "lib/metrics/registry.hpp"
#include "tests/integration/runtime/runtime_cluster.hpp"

namespace dynop::runtime_test {
namespace {

using host::ObjectRefView;
using host::manager::PluginRuntime;
using host::manager::PluginRuntimeOptions;
using test::eventually;
using test::field_text;

std::mutex reconciled_mutex;
std::multiset<std::string> reconciled;

dynop_str s(const char* text) { return dynop_str{text, std::strlen(text)}; }

dynop_status describe(dynop_plugin*, dynop_reconciler_spec* out) {
  out->primary = dynop_gvk{s(""), s("v1"), s("ConfigMap")};
  out->watches = nullptr;
  out->watch_count = 0;
  out->workers = 2;
  return dynop_status{DYNOP_OK, {nullptr, 0}};
}

dynop_status reconcile(dynop_plugin*, dynop_key key, dynop_reconcile_result* out) {
  std::lock_guard guard(reconciled_mutex);
  reconciled.insert(std::string(key.ns.data, key.ns.size) + "/" +
                    std::string(key.name.data, key.name.size));
  out->requeue_after_ms = 0;
  return dynop_status{DYNOP_OK, {nullptr, 0}};
}

std::size_t times_reconciled(const std::string& key) {
  std::lock_guard guard(reconciled_mutex);
  return reconciled.count(key);
}

// Adds a reconciler plugin named `name` with the hooks above and waits for
// the runtime's informers to sync.
void add_synced_reconciler(PluginRuntime& runtime, const char* name) {
  host::ActivePlugin plugin;
  plugin.name = name;
  plugin.hooks.abi_minor = DYNOP_ABI_VERSION_MINOR;
  plugin.hooks.capabilities = DYNOP_CAP_RECONCILER;
  plugin.hooks.reconciler = {describe, reconcile, nullptr, sizeof(dynop_reconciler_hooks)};
  ASSERT_EQ(host::describe_plugin(plugin.hooks, nullptr, plugin.specs), "");
  auto added = runtime.add_reconciler(plugin);
  ASSERT_TRUE(added) << added.error().describe();
  runtime.start_informers();
  ASSERT_TRUE(runtime.informers().wait_for_sync(std::chrono::seconds(60)));
}

TEST(PluginRuntime, RunsAReconcilerAndServesTheHostCallbacks) {
  test::LocalCluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  auto client = client_for(cluster);
  ASSERT_NE(client, nullptr);
  metrics::Registry registry;
  PluginRuntimeOptions options;
  options.instance = "test-host";
  PluginRuntime runtime(*client, registry, options);

  add_synced_reconciler(runtime, "copier");
  if (HasFatalFailure()) return;
  EXPECT_TRUE(runtime.caches_synced());
  runtime.start_controllers();

  const ObjectRefView ref{"", "v1", "ConfigMap", "default", "from-plugin"};
  auto created = runtime.create_object(
      "copier", ref,
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"from-plugin","labels":{"team":"a"}},"data":{"k":"v"}})");
  ASSERT_EQ(created.code, DYNOP_OK) << created.message;
  EXPECT_TRUE(eventually([&] { return times_reconciled("default/from-plugin") >= 1; }, 30));

  // Cached reads.
  EXPECT_TRUE(eventually([&] { return runtime.get_object("copier", ref).code == DYNOP_OK; }, 30));
  EXPECT_EQ(field(runtime.get_object("copier", ref).json, {"data", "k"}), "v");
  auto listed = runtime.list_objects("copier", {"", "v1", "ConfigMap", "default", ""}, "team=a");
  ASSERT_EQ(listed.code, DYNOP_OK) << listed.message;
  EXPECT_EQ(boost::json::parse(listed.json).as_array().size(), 1u);
  auto bad_selector = runtime.list_objects("copier", {"", "v1", "ConfigMap", "", ""}, "a in (");
  EXPECT_EQ(bad_selector.code, DYNOP_INVALID_ARGUMENT);
  auto missing = runtime.get_object("copier", {"", "v1", "ConfigMap", "default", "nope"});
  EXPECT_EQ(missing.code, DYNOP_NOT_FOUND);
  EXPECT_EQ(missing.message, "ConfigMap default/nope not found");

  // Writes with kube's errors mapped to status codes.
  auto stale = runtime.update_object(
      "copier", ref,
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"from-plugin","resourceVersion":"1"},"data":{}})");
  EXPECT_EQ(stale.code, DYNOP_CONFLICT) << stale.message;
  auto patched = runtime.patch_object("copier", ref, DYNOP_PATCH_MERGE, R"({"data":{"k":"w"}})");
  ASSERT_EQ(patched.code, DYNOP_OK) << patched.message;
  EXPECT_TRUE(eventually([&] { return times_reconciled("default/from-plugin") >= 2; }, 30));
  auto invalid = runtime.create_object(
      "copier", {"", "v1", "ConfigMap", "default", "Bad_Name"},
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}})");
  EXPECT_EQ(invalid.code, DYNOP_INVALID_ARGUMENT);
  auto unknown =
      runtime.create_object("copier", {"example.com", "v1", "Widget", "default", "w"}, "{}");
  EXPECT_EQ(unknown.code, DYNOP_NOT_FOUND);

  // Requeue and events.
  const auto before = times_reconciled("default/from-plugin");
  ASSERT_EQ(runtime.requeue_after("copier", "default", "from-plugin", 1).code, DYNOP_OK);
  EXPECT_TRUE(eventually([&] { return times_reconciled("default/from-plugin") > before; }, 30));
  EXPECT_EQ(runtime.requeue_after("other", "default", "x", 0).code, DYNOP_INVALID_ARGUMENT);
  ASSERT_EQ(runtime.record_event("copier", ref, DYNOP_EVENT_NORMAL, "Copied", "copied k").code,
            DYNOP_OK);
  auto events = client->resource_for("v1", "Event");
  ASSERT_TRUE(events);
  EXPECT_TRUE(eventually(
      [&] {
        auto list = client->list(*events, "default");
        return list && list->find("\"reason\":\"Copied\"") != std::string::npos;
      },
      30));

  ASSERT_EQ(runtime.delete_object("copier", ref).code, DYNOP_OK);
  EXPECT_EQ(runtime.delete_object("copier", ref).code, DYNOP_NOT_FOUND);
  runtime.stop_controllers();
  const std::string metrics = registry.serialize();
  EXPECT_NE(metrics.find("dynop_reconcile_total{controller=\"copier\",result=\"success\"}"),
            std::string::npos);
}

// Selector lists read label indexes (built on first use): the namespace, the
// other requirements and later label changes must still be honoured.
TEST(PluginRuntime, ListsBySelectorWithinTheNamespaceAsLabelsChange) {
  test::LocalCluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  ASSERT_EQ(cluster
                .post("/api/v1/namespaces",
                      boost::json::object{{"apiVersion", "v1"},
                                          {"kind", "Namespace"},
                                          {"metadata", boost::json::object{{"name", "other"}}}})
                .status,
            201u);
  auto client = client_for(cluster);
  ASSERT_NE(client, nullptr);
  metrics::Registry registry;
  PluginRuntimeOptions options;
  options.instance = "test-host";
  PluginRuntime runtime(*client, registry, options);
  add_synced_reconciler(runtime, "lister");
  if (HasFatalFailure()) return;

  auto create = [&](const char* ns, const char* name, const char* team) {
    const ObjectRefView ref{"", "v1", "ConfigMap", ns, name};
    boost::json::object labels{{"app", "web"}, {"team", team}};
    auto r = runtime.create_object(
        "lister", ref,
        boost::json::serialize(boost::json::object{
            {"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}}}));
    EXPECT_EQ(r.code, DYNOP_OK) << r.message;
  };
  create("default", "a1", "a");
  create("default", "b1", "b");
  create("other", "a2", "a");
  auto names = [&](const char* ns, const char* selector) {
    auto listed = runtime.list_objects("lister", {"", "v1", "ConfigMap", ns, ""}, selector);
    EXPECT_EQ(listed.code, DYNOP_OK) << listed.message;
    std::set<std::string> out;
    const boost::json::value parsed = boost::json::parse(listed.json);
    for (const auto& item : parsed.as_array())
      out.insert(std::string(item.at("metadata").at("name").as_string()));
    return out;
  };
  using Names = std::set<std::string>;
  EXPECT_TRUE(eventually([&] { return names("", "app=web").size() == 3; }, 30));
  EXPECT_EQ(names("default", "app=web,team=a"), (Names{"a1"}));
  EXPECT_EQ(names("other", "team==a"), (Names{"a2"}));
  EXPECT_EQ(names("", "team in (a)"), (Names{"a1", "a2"}));
  EXPECT_EQ(names("default", "app=web,team!=a"), (Names{"b1"}));
  EXPECT_EQ(names("default", "team=c"), (Names{}));

  // The indexes follow label changes.
  auto patched = runtime.patch_object("lister", {"", "v1", "ConfigMap", "default", "b1"},
                                      DYNOP_PATCH_MERGE, R"({"metadata":{"labels":{"team":"a"}}})");
  ASSERT_EQ(patched.code, DYNOP_OK) << patched.message;
  EXPECT_TRUE(eventually(
      [&] {
        return names("default", "team=a") == Names{"a1", "b1"};
      },
      30))
      << names("default", "team=a").size();
  EXPECT_EQ(names("default", "team=b"), (Names{}));
}

// A reconciler plugin of ConfigMaps that asks the host to cache `cache` of
// them (as its describe hook would declare it).
host::ActivePlugin configmap_plugin(const char* name, host::CacheSpec cache) {
  host::ActivePlugin plugin;
  plugin.name = name;
  plugin.hooks.abi_minor = DYNOP_ABI_VERSION_MINOR;
  plugin.hooks.capabilities = DYNOP_CAP_RECONCILER;
  plugin.hooks.reconciler = {describe, reconcile, nullptr, sizeof(dynop_reconciler_hooks)};
  plugin.specs.reconciler.emplace();
  plugin.specs.reconciler->primary = {"", "v1", "ConfigMap"};
  plugin.specs.reconciler->primary_cache = std::move(cache);
  return plugin;
}

// The runtime caches what its plugins ask for (the union when they differ),
// selects by labels the projection dropped, and refuses whole-object writes
// of a kind it caches projected.
TEST(PluginRuntime, CachesWhatPluginsAskForAndRefusesWritesThatWouldDropFields) {
  test::LocalCluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  auto client = client_for(cluster);
  ASSERT_NE(client, nullptr);
  const ObjectRefView ref{"", "v1", "ConfigMap", "default", "c"};
  const std::string body =
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"team":"a"}},"data":{"keep":"1","drop":"2"}})";
  auto cached_json = [&](PluginRuntime& runtime, const char* plugin) {
    std::string json;
    EXPECT_TRUE(eventually(
        [&] {
          auto got = runtime.get_object(plugin, ref);
          json = got.json;
          return got.code == DYNOP_OK;
        },
        30));
    return boost::json::parse(json);
  };

  // A runtime with these plugins, its caches configured and synced.
  auto start = [&](metrics::Registry& registry, const std::vector<host::ActivePlugin>& plugins) {
    host::manager::PluginRuntimeOptions options;
    options.instance = "test-host";
    auto runtime = std::make_unique<PluginRuntime>(*client, registry, options);
    runtime->configure_caches(plugins);
    for (const auto& plugin : plugins) EXPECT_TRUE(runtime->add_reconciler(plugin));
    runtime->start_informers();
    EXPECT_TRUE(runtime->informers().wait_for_sync(std::chrono::seconds(60)));
    return runtime;
  };
  const auto slim = configmap_plugin("slim", {DYNOP_CACHE_FIELDS, {"data.keep"}, false});

  {
    metrics::Registry registry;
    auto runtime = start(registry, {slim});
    ASSERT_EQ(runtime->create_object("slim", ref, body).code, DYNOP_OK);
    const boost::json::value json = cached_json(*runtime, "slim");
    EXPECT_EQ(json.at("data"), boost::json::parse(R"({"keep":"1"})"));
    EXPECT_EQ(json.at("metadata").as_object().if_contains("labels"), nullptr);
    // The label index and selectors use the labels read while decoding.
    auto listed = runtime->list_objects("slim", {"", "v1", "ConfigMap", "default", ""}, "team=a");
    ASSERT_EQ(listed.code, DYNOP_OK) << listed.message;
    EXPECT_EQ(boost::json::parse(listed.json).as_array().size(), 1u);

    auto refused = runtime->update_object("slim", ref, body);
    EXPECT_EQ(refused.code, DYNOP_INVALID_ARGUMENT);
    EXPECT_EQ(refused.message,
              "update_object of ConfigMap default/c by plugin slim refused: the host caches "
              "ConfigMap projected (apiVersion, data.keep, kind, metadata.name, "
              "metadata.namespace, metadata.resourceVersion, metadata.uid), so an object read "
              "from the cache and written back would drop the fields the cache leaves out; a "
              "plugin that writes ConfigMap declares writes on its watch of it, which caches it "
              "whole");
    EXPECT_EQ(runtime->update_status("slim", ref, body).code, DYNOP_INVALID_ARGUMENT);
    // A patch names what it changes: allowed.
    EXPECT_EQ(
        runtime->patch_object("slim", ref, DYNOP_PATCH_MERGE, R"({"data":{"keep":"3"}})").code,
        DYNOP_OK);
  }
  {
    // Two projections of one kind: the cache keeps their union.
    metrics::Registry registry;
    auto runtime =
        start(registry, {slim, configmap_plugin("meta", {DYNOP_CACHE_METADATA, {}, false})});
    const boost::json::value json = cached_json(*runtime, "meta");
    EXPECT_EQ(json.at("data"), boost::json::parse(R"({"keep":"3"})"));
    EXPECT_EQ(field_text(json, {"metadata", "labels", "team"}), "a");
  }
  {
    // A plugin that writes ConfigMaps back gets them whole, and so does
    // everyone sharing the cache; its writes go through.
    metrics::Registry registry;
    auto runtime =
        start(registry, {slim, configmap_plugin("writer", {DYNOP_CACHE_FULL, {}, true})});
    boost::json::value json = cached_json(*runtime, "slim");
    EXPECT_EQ(json.at("data"), boost::json::parse(R"({"keep":"3","drop":"2"})"));
    json.at("data").as_object()["keep"] = "4";
    auto updated = runtime->update_object("writer", ref, boost::json::serialize(json));
    EXPECT_EQ(updated.code, DYNOP_OK) << updated.message;
  }
}

}  // namespace
}  // namespace dynop::runtime_test
