#include "lib/apimachinery/json_path.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

const json::value kDoc = json::parse(R"({
  "metadata": {"name": "x", "labels": {"foo": "bar", "app.kubernetes.io/name": "dyn"},
               "creationTimestamp": "2026-11-28T00:00:00Z"},
  "spec": {"replicas": 3, "ratio": 1.5, "paused": false,
           "items": [{"name": "a", "n": 1}, {"name": "b", "n": 5}]},
  "status": {"conditions": [{"type": "Ready", "status": "True"},
                            {"type": "Scheduled", "status": "False"}]}})");

std::string eval(std::string_view path) {
  auto p = JsonPath::parse(path);
  if (!p) return "ERROR: " + p.error();
  json::array out;
  for (auto* v : p->evaluate(kDoc)) out.push_back(*v);
  return json::serialize(out);
}

TEST(JsonPath, Fields) {
  EXPECT_EQ(eval(".spec.replicas"), "[3]");
  EXPECT_EQ(eval("{.spec.replicas}"), "[3]");
  EXPECT_EQ(eval("$.spec.replicas"), "[3]");
  EXPECT_EQ(eval(".metadata.labels.foo"), R"(["bar"])");
  EXPECT_EQ(eval(".metadata.labels['app.kubernetes.io/name']"), R"(["dyn"])");
  EXPECT_EQ(eval(".spec.missing"), "[]");
  EXPECT_EQ(eval(".spec.replicas.deeper"), "[]");
}

TEST(JsonPath, ArraysAndFilters) {
  EXPECT_EQ(eval(".spec.items[0].name"), R"(["a"])");
  EXPECT_EQ(eval(".spec.items[-1].name"), R"(["b"])");
  EXPECT_EQ(eval(".spec.items[5].name"), "[]");
  EXPECT_EQ(eval(".spec.items[*].name"), R"(["a","b"])");
  EXPECT_EQ(eval(".status.conditions[?(@.type==\"Ready\")].status"), R"(["True"])");
  EXPECT_EQ(eval(".status.conditions[?(@.type == 'Scheduled')].status"), R"(["False"])");
  EXPECT_EQ(eval(".status.conditions[?(@.type!=\"Ready\")].type"), R"(["Scheduled"])");
  EXPECT_EQ(eval(".spec.items[?(@.n > 2)].name"), R"(["b"])");
  EXPECT_EQ(eval(".spec.items[?(@.n)].name"), R"(["a","b"])");
  EXPECT_EQ(eval("..name"), R"(["x","a","b"])");
  EXPECT_EQ(eval(".spec.items[?(@.type"), "ERROR: unterminated filter: [?(@.type");
}

TEST(JsonPath, PrinterCells) {
  auto now = parse_time("2026-11-28T00:05:00Z").value();
  auto cell = [&](std::string_view path, std::string_view type) {
    return json::serialize(printer_column_cell(kDoc, JsonPath::parse(path).value(), type, now));
  };
  EXPECT_EQ(cell(".spec.replicas", "integer"), "3");
  EXPECT_EQ(cell(".spec.replicas", "string"), R"("3")");
  EXPECT_EQ(cell(".spec.ratio", "number"), "1.5E0");
  EXPECT_EQ(cell(".spec.ratio", "string"), R"("1.5")");
  EXPECT_EQ(cell(".spec.paused", "boolean"), "false");
  EXPECT_EQ(cell(".spec.paused", "string"), R"("false")");
  EXPECT_EQ(cell(".spec.missing", "string"), "null");
  EXPECT_EQ(cell(".metadata.creationTimestamp", "date"), R"("5m")");
  EXPECT_EQ(cell(".metadata.name", "date"), R"("<invalid>")");
  EXPECT_EQ(cell(".metadata.name", "integer"), "null");
}

TEST(JsonPath, SimplePaths) {
  json::value doc = json::parse(R"({"spec":{"replicas":1}})");
  ASSERT_NE(get_simple_path(doc, ".spec.replicas"), nullptr);
  EXPECT_EQ(get_simple_path(doc, ".spec.replicas")->as_int64(), 1);
  EXPECT_EQ(get_simple_path(doc, ".status.replicas"), nullptr);
  EXPECT_EQ(get_simple_path(doc, ".spec.replicas.x"), nullptr);
  // An object is read in place, as controllers hold objects.
  const json::object& object = doc.as_object();
  EXPECT_EQ(get_simple_path(object, "spec.replicas"), get_simple_path(doc, "spec.replicas"));
  EXPECT_EQ(get_simple_path(object, ""), nullptr);
  json::object named{{"metadata", {{"name", "web"}, {"generation", 2}}}};
  EXPECT_EQ(get_simple_string(named, "metadata.name"), "web");
  EXPECT_EQ(get_simple_string(named, "metadata.generation"), "");
  EXPECT_EQ(get_simple_string(named, "metadata.uid"), "");
  ASSERT_TRUE(set_simple_path(doc, ".spec.replicas", 4).ok());
  ASSERT_TRUE(set_simple_path(doc, ".status.selector", "a=b").ok());
  EXPECT_EQ(json::serialize(doc), R"({"spec":{"replicas":4},"status":{"selector":"a=b"}})");
  EXPECT_FALSE(set_simple_path(doc, ".spec.replicas.x", 1).ok());
  EXPECT_FALSE(set_simple_path(doc, ".spec.items[0]", 1).ok());
}

}  // namespace
}  // namespace dynop::apimachinery
