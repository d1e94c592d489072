#include "lib/apimachinery/label_selector.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

std::string canonical(std::string_view s) {
  auto r = LabelSelector::parse(s);
  if (!r) return "ERROR: " + r.error();
  return r->to_string();
}
std::string parse_error(std::string_view s) {
  auto r = LabelSelector::parse(s);
  return r ? "OK" : r.error();
}
bool matches(std::string_view s, const std::map<std::string, std::string>& labels) {
  auto r = LabelSelector::parse(s);
  EXPECT_TRUE(r.ok()) << s;
  return r && r->matches(labels);
}

const std::string kNamePartMsg =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

TEST(LabelSelectorParse, CanonicalForms) {
  EXPECT_EQ(canonical(""), "");
  EXPECT_EQ(canonical("a=b"), "a=b");
  EXPECT_EQ(canonical("a==b"), "a==b");
  EXPECT_EQ(canonical("a!=b"), "a!=b");
  EXPECT_EQ(canonical(" a = b , c in ( y , x ) "), "a=b,c in (x,y)");
  EXPECT_EQ(canonical("z,!d,c notin (x,x)"), "c notin (x),!d,z");
  EXPECT_EQ(canonical("a in (),b="), "a in (),b=");
  EXPECT_EQ(canonical("a in (,x)"), "a in (,x)");
  EXPECT_EQ(canonical("a>1,b<2"), "a>1,b<2");
  // kube also checks Gt/Lt values as label values, so negative bounds are rejected.
  EXPECT_NE(canonical("b<-2").find("values[0][b]: Invalid value: \"-2\""), std::string::npos);
  EXPECT_EQ(canonical("nvidia.com/dynamo-component=decode"), "nvidia.com/dynamo-component=decode");
  EXPECT_EQ(canonical("x in (notin,in)"), "x in (in,notin)");
  // A NUL byte reads as the end of input to kube's lexer.
  EXPECT_EQ(canonical(std::string("a=b \0c", 7)), "a=b");
  EXPECT_EQ(canonical(std::string("a=\0b", 4)), "a=b");
  // Stable sort by key: same-key requirements keep their order.
  EXPECT_EQ(canonical("a!=x,a"), "a!=x,a");
}

TEST(LabelSelectorParse, ErrorsMatchKube) {
  EXPECT_EQ(parse_error("a b"),
            "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
  EXPECT_EQ(parse_error("a=b,"), "found '', expected: identifier after ','");
  EXPECT_EQ(parse_error("a=b c"), "found 'c', expected: ',' or 'end of string'");
  EXPECT_EQ(parse_error(",a"), "found ',', expected: !, identifier, or 'end of string'");
  EXPECT_EQ(parse_error("a in x"), "unable to parse requirement: found 'x' expected: '('");
  EXPECT_EQ(parse_error("a in (x"), "unable to parse requirement: found '', expected: ',' or ')'");
  EXPECT_EQ(parse_error("a in (x y)"),
            "unable to parse requirement: found 'y', expected: ',' or ')'");
  EXPECT_EQ(parse_error("a in (="),
            "unable to parse requirement: found '=', expected: ',', ')' or identifier");
  EXPECT_EQ(parse_error("a=("), "unable to parse requirement: found '(', expected: identifier");
  EXPECT_EQ(parse_error("!"), "unable to parse requirement: found '', expected: identifier");
  EXPECT_EQ(parse_error("-a=b"),
            "unable to parse requirement: <nil>: Invalid value: \"-a\": " + kNamePartMsg);
  EXPECT_EQ(parse_error("app:monolith"),
            "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": " + kNamePartMsg);
  EXPECT_EQ(parse_error("a=-b"),
            "unable to parse requirement: values[0][a]: Invalid value: \"-b\": a valid label must "
            "be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
            "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
            "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  EXPECT_EQ(parse_error("environment>qa"),
            "unable to parse requirement: values[0]: Invalid value: \"qa\": for 'Gt', 'Lt' "
            "operators, the value must be an integer");
  EXPECT_EQ(parse_error("!a=b"), "found '=', expected: ',' or 'end of string'");
  EXPECT_EQ(parse_error("a=b,(=c"), "found '(', expected: identifier after ','");
  EXPECT_EQ(parse_error("a!!b"),
            "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt");
}

TEST(LabelSelectorMatch, Operators) {
  std::map<std::string, std::string> labels = {{"app", "web"}, {"tier", "v2"}, {"n", "5"}};
  EXPECT_TRUE(matches("", labels));
  EXPECT_TRUE(matches("app=web", labels));
  EXPECT_TRUE(matches("app==web,tier", labels));
  EXPECT_FALSE(matches("app=db", labels));
  EXPECT_TRUE(matches("app!=db", labels));
  EXPECT_TRUE(matches("missing!=x", labels));
  EXPECT_TRUE(matches("app in (db,web)", labels));
  EXPECT_FALSE(matches("missing in (x)", labels));
  EXPECT_TRUE(matches("missing notin (x)", labels));
  EXPECT_FALSE(matches("app notin (web)", labels));
  EXPECT_TRUE(matches("!missing", labels));
  EXPECT_FALSE(matches("!app", labels));
  EXPECT_TRUE(matches("n>4,n<6", labels));
  EXPECT_FALSE(matches("n>5", labels));
  EXPECT_FALSE(matches("app>1", labels));
  EXPECT_TRUE(matches("a in (,x)", {{"a", ""}}));
  EXPECT_TRUE(matches("a=", {{"a", ""}}));
}

TEST(LabelSelectorMatch, JsonLabelsAndManyValues) {
  auto sel = LabelSelector::parse("k in (a,b,c,d,e,f,g)").value();
  auto obj = json::parse(R"({"k":"f","other":1})").as_object();
  EXPECT_TRUE(sel.matches(obj));
  EXPECT_FALSE(sel.matches(json::parse(R"({"k":"z"})").as_object()));
  EXPECT_FALSE(sel.matches(nullptr));
  EXPECT_TRUE(LabelSelector().matches(nullptr));
  EXPECT_FALSE(LabelSelector::nothing().matches(obj));
}

TEST(LabelSelectorJson, FromJson) {
  auto r = LabelSelector::from_json(json::parse(R"({
    "matchLabels": {"b": "1", "a": "2"},
    "matchExpressions": [{"key": "c", "operator": "In", "values": ["y", "x"]},
                         {"key": "d", "operator": "DoesNotExist"}]})"));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->to_string(), "a=2,b=1,c in (x,y),!d");
  EXPECT_TRUE(r->matches(std::map<std::string, std::string>{{"a", "2"}, {"b", "1"}, {"c", "x"}}));

  auto null_sel = LabelSelector::from_json(json::value(nullptr));
  ASSERT_TRUE(null_sel.ok());
  EXPECT_TRUE(null_sel->is_nothing());
  EXPECT_FALSE(null_sel->matches(std::map<std::string, std::string>{}));
  auto empty = LabelSelector::from_json(json::parse("{}"));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->matches(std::map<std::string, std::string>{}));

  auto bad_op = LabelSelector::from_json(
      json::parse(R"({"matchExpressions":[{"key":"a","operator":"Foo"}]})"));
  ASSERT_FALSE(bad_op.ok());
  EXPECT_EQ(bad_op.error(), "\"Foo\" is not a valid label selector operator");
  auto no_values = LabelSelector::from_json(
      json::parse(R"({"matchExpressions":[{"key":"a","operator":"In","values":[]}]})"));
  ASSERT_FALSE(no_values.ok());
  EXPECT_EQ(no_values.error(),
            "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be "
            "empty");
  auto bad_key = LabelSelector::from_json(json::parse(R"({"matchLabels":{"-a":"b"}})"));
  ASSERT_FALSE(bad_key.ok());
  EXPECT_EQ(bad_key.error(), "key: Invalid value: \"-a\": " + kNamePartMsg);
}

TEST(LabelSelectorJson, ToJson) {
  auto sel = LabelSelector::parse("a=1,b in (y,x),!c,d").value();
  auto j = sel.to_json();
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(
      json::serialize(*j),
      R"({"matchLabels":{"a":"1"},"matchExpressions":[{"key":"b","operator":"In","values":["x","y"]},{"key":"c","operator":"DoesNotExist"},{"key":"d","operator":"Exists"}]})");
  auto ne = LabelSelector::parse("a!=1").value().to_json();
  ASSERT_FALSE(ne.ok());
  EXPECT_EQ(ne.error(), "\"!=\" is not a valid label selector operator");
  auto gt = LabelSelector::parse("a>1").value().to_json();
  ASSERT_FALSE(gt.ok());
  EXPECT_EQ(gt.error(), "\"gt\" isn't supported in label selectors");
  EXPECT_TRUE(LabelSelector::nothing().to_json()->is_null());
}

TEST(LabelSelectorJson, ExactMapAndFromMap) {
  auto sel = LabelSelector::from_map({{"b", "2"}, {"a", "1"}});
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel->to_string(), "a=1,b=2");
  auto m = sel->as_exact_map();
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->at("a"), "1");
  EXPECT_FALSE(LabelSelector::parse("a in (x)").value().as_exact_map().has_value());
  auto s = LabelSelector::parse("app in (web),tier==v2,x in (a,b),!y").value();
  EXPECT_EQ(s.requires_exact_match("app").value_or(""), "web");
  EXPECT_EQ(s.requires_exact_match("tier").value_or(""), "v2");
  EXPECT_FALSE(s.requires_exact_match("x").has_value());
  EXPECT_FALSE(s.requires_exact_match("y").has_value());
  EXPECT_FALSE(s.requires_exact_match("zz").has_value());
}

TEST(LabelSelectorJson, Validate) {
  auto errs =
      validate_label_selector_json(json::parse(R"({"matchExpressions":[{"key":"a","operator":"In"},
                                         {"key":"b","operator":"Exists","values":["x"]},
                                         {"key":"c","operator":"Bad"}]})"),
                                   "spec.selector");
  ASSERT_EQ(errs.size(), 3u);
  EXPECT_EQ(errs[0].field, "spec.selector.matchExpressions[0].values");
  EXPECT_EQ(errs[0].detail, "must be specified when `operator` is 'In' or 'NotIn'");
  EXPECT_EQ(errs[1].detail, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
  EXPECT_EQ(errs[2].field, "spec.selector.matchExpressions[2].operator");
}

}  // namespace
}  // namespace dynop::apimachinery
