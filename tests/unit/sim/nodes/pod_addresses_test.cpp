#include "sim/nodes/pod_addresses.hpp"

#include <gtest/gtest.h>

namespace dynop::sim {
namespace {

TEST(PodAddresses, SkipsNetworkGatewayAndBroadcastAndRotates) {
  PodAddresses pool(*Cidr::parse("127.128.5.0/29"));  // .0-.7: .2 to .6 usable
  EXPECT_EQ(pool.capacity(), 5u);
  std::vector<std::string> got;
  for (int i = 0; i < 5; ++i) got.push_back(format_ipv4(*pool.allocate()));
  EXPECT_EQ(got, (std::vector<std::string>{"127.128.5.2", "127.128.5.3", "127.128.5.4",
                                           "127.128.5.5", "127.128.5.6"}));
  EXPECT_FALSE(pool.allocate());
  pool.release(*parse_ipv4("127.128.5.3"));
  EXPECT_EQ(format_ipv4(*pool.allocate()), "127.128.5.3");
}

TEST(PodAddresses, AReleasedAddressIsNotHandedOutAgainAtOnce) {
  PodAddresses pool(*Cidr::parse("127.128.0.0/24"));
  auto a = *pool.allocate();
  pool.release(a);
  EXPECT_NE(*pool.allocate(), a);
}

TEST(PodAddresses, ReservesAddressesPodsAlreadyHave) {
  PodAddresses pool(*Cidr::parse("127.128.0.0/24"));
  EXPECT_TRUE(pool.reserve(*parse_ipv4("127.128.0.2")));
  EXPECT_FALSE(pool.reserve(*parse_ipv4("127.128.0.2")));  // taken
  EXPECT_FALSE(pool.reserve(*parse_ipv4("127.128.1.2")));  // another node's
  EXPECT_FALSE(pool.reserve(*parse_ipv4("127.128.0.1")));  // the gateway
  EXPECT_EQ(format_ipv4(*pool.allocate()), "127.128.0.3");
  EXPECT_EQ(pool.in_use(), 2u);
}

}  // namespace
}  // namespace dynop::sim
