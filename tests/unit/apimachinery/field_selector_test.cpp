#include "lib/apimachinery/field_selector.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

TEST(FieldSelector, ParseAndCanonical) {
  auto s = FieldSelector::parse("spec.schedulerName=dynop-gpu-scheduler,spec.nodeName=");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->to_string(), "spec.nodeName=,spec.schedulerName=dynop-gpu-scheduler");
  EXPECT_EQ(FieldSelector::parse("a==b").value().to_string(), "a=b");
  EXPECT_EQ(FieldSelector::parse("a!=b").value().to_string(), "a!=b");
  EXPECT_EQ(FieldSelector::parse("a=b\\,c").value().requirements()[0].value, "b,c");
  EXPECT_EQ(FieldSelector::parse("a=b\\,c").value().to_string(), "a=b\\,c");
  EXPECT_TRUE(FieldSelector::parse("").value().empty());
  EXPECT_TRUE(FieldSelector::parse(",,").value().empty());
}

TEST(FieldSelector, Errors) {
  EXPECT_EQ(FieldSelector::parse("foo").error(), "invalid selector: 'foo'; can't understand 'foo'");
  EXPECT_EQ(FieldSelector::parse("a=1,foo").error(),
            "invalid selector: 'a=1,foo'; can't understand 'foo'");
  EXPECT_EQ(FieldSelector::parse("a=b=c").error(),
            "invalid field selector: unescaped character in value: 61");
  EXPECT_EQ(FieldSelector::parse("a=b\\x").error(),
            "invalid field selector: invalid escape sequence: \\x");
  EXPECT_EQ(FieldSelector::parse("a=b\\").error(),
            "invalid field selector: invalid escape sequence: \\");
}

TEST(FieldSelector, MatchesObjects) {
  auto pod = json::parse(R"({"metadata":{"name":"p","namespace":"default"},
    "spec":{"schedulerName":"dynop-gpu-scheduler"},"status":{"phase":"Pending"}})")
                 .as_object();
  auto unscheduled =
      FieldSelector::parse("spec.schedulerName=dynop-gpu-scheduler,spec.nodeName=").value();
  EXPECT_TRUE(unscheduled.matches(pod));
  pod["spec"].as_object()["nodeName"] = "gpu-node-1";
  EXPECT_FALSE(unscheduled.matches(pod));
  EXPECT_TRUE(FieldSelector::parse("status.phase!=Succeeded").value().matches(pod));
  EXPECT_TRUE(FieldSelector::parse("metadata.name=p").value().matches(pod));
  EXPECT_FALSE(FieldSelector::parse("metadata.name=q").value().matches(pod));
  EXPECT_EQ(field_value_of(pod, "spec.nodeName"), "gpu-node-1");
  EXPECT_EQ(field_value_of(pod, "spec.missing.deep"), "");
}

TEST(FieldSelector, SupportedFields) {
  auto s = FieldSelector::parse("metadata.name=a,spec.foo=1").value();
  auto r = s.check_supported({"spec.nodeName"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "field label not supported: spec.foo");
  EXPECT_TRUE(s.check_supported({"spec.foo"}).ok());
  EXPECT_EQ(s.requires_exact_match("metadata.name").value_or(""), "a");
  EXPECT_FALSE(s.requires_exact_match("spec.nodeName").has_value());
}

TEST(FieldSelector, GetterForm) {
  auto s = FieldSelector::parse("x=1").value();
  EXPECT_TRUE(s.matches_with([](const std::string&) { return std::string("1"); }));
  EXPECT_FALSE(s.matches_with([](const std::string&) { return std::string(); }));
}

}  // namespace
}  // namespace dynop::apimachinery
