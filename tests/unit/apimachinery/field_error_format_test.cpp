#include "lib/apimachinery/field_error_format.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "lib/apimachinery/go_quote.hpp"

namespace dynop::apimachinery {
namespace {

TEST(GoQuote, EscapesLikeStrconvQuote) {
  EXPECT_EQ(go_quote("web-0"), "\"web-0\"");
  EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(go_quote("x\ny\t"), "\"x\\ny\\t\"");
  EXPECT_EQ(go_quote(std::string("\x01", 1)), "\"\\x01\"");
  EXPECT_EQ(go_quote("h\xc3\xa9"), "\"h\xc3\xa9\"");
  EXPECT_EQ(go_quote("\xff"), "\"\\xff\"");
}

TEST(FieldErrorFormat, MatchesThe422Traces) {
  // 04-dgdsa-09b-post-multiple-errors-422.json
  FieldErrors errs = {
      invalid_error("spec.dgdRef.name", render_bad_string(""),
                    "spec.dgdRef.name in body should be at least 1 chars long"),
      required_error("spec.dgdRef.serviceName"),
      invalid_error("spec.replicas", render_bad_int(-1),
                    "spec.replicas in body should be greater than or equal to 0"),
      invalid_error(".spec.replicas", render_bad_int(-1), "should be a non-negative integer"),
  };
  EXPECT_EQ(error_body(errs[0]),
            "Invalid value: \"\": spec.dgdRef.name in body should be at least 1 chars long");
  EXPECT_EQ(error_body(errs[1]), "Required value");
  EXPECT_EQ(
      aggregate_message(errs),
      "[spec.dgdRef.name: Invalid value: \"\": spec.dgdRef.name in body should be at least 1 "
      "chars long, spec.dgdRef.serviceName: Required value, spec.replicas: Invalid value: -1: "
      "spec.replicas in body should be greater than or equal to 0, .spec.replicas: Invalid "
      "value: -1: should be a non-negative integer]");
  EXPECT_EQ(field_error_reason(errs[1].type), "FieldValueRequired");
}

TEST(FieldErrorFormat, SingleErrorHasNoBracketsAndDuplicatesCollapse) {
  FieldErrors one = {
      invalid_error("metadata.resourceVersion", "0x0", "must be specified for an update")};
  EXPECT_EQ(aggregate_message(one),
            "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
  FieldErrors dup = {required_error("a"), required_error("a")};
  EXPECT_EQ(aggregate_message(dup), "a: Required value");
  EXPECT_EQ(aggregate_message({}), "");
}

TEST(FieldErrorFormat, TooLongForbiddenNotSupported) {
  EXPECT_EQ(to_string(too_long_error("metadata.annotations", 262144)),
            "metadata.annotations: Too long: must have at most 262144 bytes");
  EXPECT_EQ(to_string(forbidden_error("metadata.namespace", "not allowed on this type")),
            "metadata.namespace: Forbidden: not allowed on this type");
  EXPECT_EQ(to_string(not_supported_error("spec.policy", render_bad_string("X"), {"A", "B"})),
            "spec.policy: Unsupported value: \"X\": supported values: \"A\", \"B\"");
  EXPECT_EQ(to_string(too_many_error("spec.items", 5, 3)),
            "spec.items: Too many: 5: must have at most 3 items");
}

TEST(FieldErrorFormat, RendersJsonBadValues) {
  EXPECT_EQ(render_bad_value(boost::json::parse("\"x\"")), "\"x\"");
  EXPECT_EQ(render_bad_value(boost::json::parse("-1")), "-1");
  EXPECT_EQ(render_bad_value(boost::json::parse("true")), "true");
  EXPECT_EQ(render_bad_value(boost::json::parse("null")), "\"null\"");
  EXPECT_EQ(render_bad_value(boost::json::parse("1.5")), "1.5");
  EXPECT_EQ(render_bad_value(boost::json::parse("1e6")), "1e+06");
}

}  // namespace
}  // namespace dynop::apimachinery
