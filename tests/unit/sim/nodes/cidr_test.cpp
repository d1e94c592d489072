#include "sim/nodes/cidr.hpp"

#include <gtest/gtest.h>

namespace dynop::sim {
namespace {

TEST(Cidr, ParsesLoopbackBlocksAndWalksThem) {
  auto cidr = Cidr::parse("127.64.0.0/16");
  ASSERT_TRUE(cidr.ok()) << cidr.error();
  EXPECT_EQ(cidr->size(), 65536u);
  EXPECT_EQ(format_ipv4(cidr->at(1)), "127.64.0.1");
  EXPECT_EQ(format_ipv4(cidr->at(257)), "127.64.1.1");
  EXPECT_TRUE(cidr->contains(*parse_ipv4("127.64.255.255")));
  EXPECT_FALSE(cidr->contains(*parse_ipv4("127.65.0.0")));
  EXPECT_EQ(cidr->subnet(3, 24).to_string(), "127.64.3.0/24");
  EXPECT_EQ(cidr->to_string(), "127.64.0.0/16");
}

TEST(Cidr, RefusesWhatIsNotALoopbackBlock) {
  EXPECT_EQ(Cidr::parse("127.64.0.0").error(),
            "\"127.64.0.0\" is not a CIDR block like 127.64.0.0/16");
  EXPECT_EQ(Cidr::parse("127.64.0.1/16").error(),
            "\"127.64.0.1/16\" has host bits set (the block starts at 127.64.0.0)");
  EXPECT_EQ(Cidr::parse("10.0.0.0/8").error(),
            "\"10.0.0.0/8\" is outside 127.0.0.0/8: simulated addresses must be loopback "
            "addresses, which are all local");
  EXPECT_EQ(Cidr::parse("127.0.0.0/33").error(),
            "\"127.0.0.0/33\" is not a CIDR block like 127.64.0.0/16");
}

TEST(Ipv4, StrictDottedQuads) {
  EXPECT_EQ(*parse_ipv4("127.0.0.1"), 0x7f000001u);
  EXPECT_FALSE(parse_ipv4("127.0.0"));
  EXPECT_FALSE(parse_ipv4("127.0.0.256"));
  EXPECT_FALSE(parse_ipv4("127.0.0.01"));
  EXPECT_FALSE(parse_ipv4("127.0.0.1 "));
}

}  // namespace
}  // namespace dynop::sim
