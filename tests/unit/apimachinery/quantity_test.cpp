#include "lib/apimachinery/quantity.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace dynop::apimachinery {
namespace {

std::string canon(std::string_view s) {
  auto q = Quantity::parse(s);
  return q ? q->to_string() : "ERROR: " + q.error();
}

const std::string kFormatWrong =
    "ERROR: quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

TEST(Quantity, CanonicalStrings) {
  EXPECT_EQ(canon("0"), "0");
  EXPECT_EQ(canon("1"), "1");
  EXPECT_EQ(canon("500m"), "500m");
  EXPECT_EQ(canon("80Gi"), "80Gi");
  EXPECT_EQ(canon("1e3"), "1e3");
  EXPECT_EQ(canon("1E3"), "1E3");
  EXPECT_EQ(canon("1.5"), "1500m");
  EXPECT_EQ(canon("0.5"), "500m");
  EXPECT_EQ(canon("1.0"), "1");
  EXPECT_EQ(canon("1000"), "1k");
  EXPECT_EQ(canon("1000m"), "1");
  EXPECT_EQ(canon("1000k"), "1M");
  EXPECT_EQ(canon("1024"), "1024");
  EXPECT_EQ(canon("10M"), "10M");
  EXPECT_EQ(canon("0.5Gi"), "512Mi");
  EXPECT_EQ(canon("1.5Gi"), "1536Mi");
  EXPECT_EQ(canon("2048Ki"), "2Mi");
  EXPECT_EQ(canon("8Ki"), "8Ki");
  EXPECT_EQ(canon("1Ki"), "1Ki");
  EXPECT_EQ(canon("100Mi"), "100Mi");
  EXPECT_EQ(canon("-1"), "-1");
  EXPECT_EQ(canon("+1"), "+1");
  EXPECT_EQ(canon("01"), "01");  // kube keeps the input when the digits are canonical
  EXPECT_EQ(canon("5e-3"), "5e-3");
  EXPECT_EQ(canon("12e6"), "12e6");
  EXPECT_EQ(canon("0.0001n"), "1n");
  EXPECT_EQ(canon("-0.0001n"), "-1n");
  EXPECT_EQ(canon("0.1"), "100m");
  EXPECT_EQ(canon("1.1Ki"), "1126400m");  // not an integer: shown as DecimalSI
  EXPECT_EQ(canon("0.5Ki"), "512");
  EXPECT_EQ(canon("1000Ki"), "1000Ki");
  EXPECT_EQ(canon("1024Ki"), "1Mi");
  EXPECT_EQ(canon("0m"), "0");
  EXPECT_EQ(canon("50000E"), "50");                // kube has no suffix for 10^21
  EXPECT_EQ(canon("8Ei"), "9223372036854775807");  // BinarySI is capped at 2^63-1
}

TEST(Quantity, Errors) {
  EXPECT_EQ(canon(""), kFormatWrong);
  EXPECT_EQ(canon("abc"), kFormatWrong);
  EXPECT_EQ(canon("1.5x"), kFormatWrong);
  EXPECT_EQ(canon("1Gb"), kFormatWrong);
  EXPECT_EQ(canon("1.2.3"), kFormatWrong);
  EXPECT_EQ(canon("1Gi1"), "ERROR: unable to parse quantity's suffix");
  EXPECT_EQ(canon("1e"), "ERROR: unable to parse quantity's suffix");
  EXPECT_EQ(canon("1iK"), "ERROR: unable to parse quantity's suffix");
}

TEST(Quantity, Values) {
  EXPECT_EQ(Quantity::parse("1.5").value().milli_value(), 1500);
  EXPECT_EQ(Quantity::parse("1.5").value().value(), 2);
  EXPECT_EQ(Quantity::parse("100m").value().value(), 1);
  EXPECT_EQ(Quantity::parse("-100m").value().value(), -1);
  EXPECT_EQ(Quantity::parse("1n").value().milli_value(), 1);
  EXPECT_EQ(Quantity::parse("80Gi").value().value(), 80LL << 30);
  EXPECT_EQ(Quantity::parse("1k").value().value(), 1000);
  EXPECT_EQ(Quantity::parse("8").value().value(), 8);
}

TEST(Quantity, CompareAndArithmetic) {
  auto q = [](std::string_view s) { return Quantity::parse(s).value(); };
  EXPECT_EQ(q("1"), q("1000m"));
  EXPECT_GT(q("1Gi"), q("1G"));
  EXPECT_LT(q("-1"), q("1n"));
  EXPECT_EQ(q("1E3"), q("1k"));
  EXPECT_LT(q("999999999999999999"), q("1E18"));
  Quantity sum = q("100m");
  sum.add(q("900m"));
  EXPECT_EQ(sum.to_string(), "1");
  Quantity gpus;
  gpus.add(q("1"));
  gpus.add(q("1"));
  EXPECT_EQ(gpus.to_string(), "2");
  gpus.sub(q("3"));
  EXPECT_EQ(gpus.to_string(), "-1");
  Quantity mem = q("1Gi");
  mem.add(q("512Mi"));
  EXPECT_EQ(mem.to_string(), "1536Mi");
  EXPECT_EQ(Quantity::from_milli(250).to_string(), "250m");
  EXPECT_EQ(Quantity::from_int(3, Quantity::Format::kBinarySI).to_string(), "3");
  EXPECT_EQ(Quantity::from_int(4096, Quantity::Format::kBinarySI).to_string(), "4Ki");
}

TEST(Quantity, Json) {
  EXPECT_EQ(Quantity::from_json(boost::json::parse("\" 2 \"")).value().to_string(), "2");
  EXPECT_EQ(Quantity::from_json(boost::json::parse("8")).value().to_string(), "8");
  EXPECT_EQ(Quantity::from_json(boost::json::parse("0.5")).value().to_string(), "500m");
  EXPECT_TRUE(Quantity::from_json(boost::json::parse("null")).value().is_zero());
  EXPECT_FALSE(Quantity::from_json(boost::json::parse("[]")).ok());
}

}  // namespace
}  // namespace dynop::apimachinery
