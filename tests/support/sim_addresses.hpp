#pragma once
// Loopback addresses for one dynop-sim in a test. Every simulated node and
// pod listens on its own 127.x.y.z address, so two sims on one machine (tests
// run in parallel, and other checkouts run theirs) must not share a range:
// each block is held with a lock file under /tmp for as long as the object
// lives.
//
//   test::SimAddressBlock block;
//   ASSERT_TRUE(block.ok()) << block.error();
//   options.node_cidr = block.node_cidr();   // 127.(20+i).0.0/24: up to 254 nodes
//   options.pod_cidr = block.pod_cidr();     // 127.(20+i).16.0/20: 16 nodes' /24s

#include <string>
#include <vector>

namespace dynop::test {

class SimAddressBlock {
 public:
  SimAddressBlock();  // takes the first free of 32 blocks
  ~SimAddressBlock();
  SimAddressBlock(const SimAddressBlock&) = delete;
  SimAddressBlock& operator=(const SimAddressBlock&) = delete;

  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  std::string node_cidr() const;
  std::string pod_cidr() const;
  // One address of the pod block, 127.(20+i).16.<host>: a stand-in pod's
  // own address in a test that runs no dynop-sim on the block.
  std::string pod_address(int host) const;
  // "--node-cidr X --pod-cidr Y", for dynop-sim's command line.
  std::vector<std::string> flags() const;

 private:
  int fd_ = -1;
  int index_ = -1;
  std::string error_;
};

}  // namespace dynop::test
