#include "lib/apimachinery/base64.hpp"

#include <gtest/gtest.h>

namespace dynop::apimachinery {
namespace {

TEST(Base64, StandardEncodingIsPaddedAsGoStdEncoding) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode(std::string("\xfb\xff", 2)), "+/8=");
}

TEST(Base64, DecodingRoundTripsAndSkipsLineBreaks) {
  const std::string bytes("\x00\x01\xfe\xff binary", 11);
  EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
  EXPECT_EQ(base64_decode("Zm9v\nYmFy\r\n"), "foobar");
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zm8="), "fo");
  EXPECT_EQ(base64_decode(""), "");
}

TEST(Base64, TextThatIsNotBase64IsRejected) {
  EXPECT_EQ(base64_decode("Zm9"), std::nullopt);   // not a multiple of 4
  EXPECT_EQ(base64_decode("Zm9!"), std::nullopt);  // outside the alphabet
}

TEST(Base64, RawUrlEncodingHasNoPaddingAndUrlSafeCharacters) {
  EXPECT_EQ(base64_raw_url_encode(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_EQ(base64_raw_url_encode("f"), "Zg");
  EXPECT_EQ(base64_raw_url_decode("-_8"), std::string("\xfb\xff", 2));
  EXPECT_EQ(base64_raw_url_decode("Zg"), "f");
  EXPECT_EQ(base64_raw_url_decode("Zg=="), std::nullopt);  // padding is not raw
  EXPECT_EQ(base64_raw_url_decode("+/8"), std::nullopt);   // standard alphabet
  EXPECT_EQ(base64_raw_url_decode("Z"), std::nullopt);     // one character left over
}

}  // namespace
}  // namespace dynop::apimachinery
