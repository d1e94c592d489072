#include "tests/support/sim_addresses.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace dynop::test {

namespace {
constexpr int kBlocks = 32;
constexpr int kFirstOctet = 20;  // 127.20.0.0 - 127.51.255.255
}  // namespace

SimAddressBlock::SimAddressBlock() {
  for (int i = 0; i < kBlocks; ++i) {
    const std::string path = "/tmp/dynop-sim-addresses-" + std::to_string(i) + ".lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      fd_ = fd;
      index_ = i;
      return;
    }
    ::close(fd);
  }
  error_ = "all " + std::to_string(kBlocks) + " simulated address blocks are in use";
}

SimAddressBlock::~SimAddressBlock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

std::string SimAddressBlock::node_cidr() const {
  return "127." + std::to_string(kFirstOctet + index_) + ".0.0/24";
}

std::string SimAddressBlock::pod_cidr() const {
  return "127." + std::to_string(kFirstOctet + index_) + ".16.0/20";
}

std::string SimAddressBlock::pod_address(int host) const {
  return "127." + std::to_string(kFirstOctet + index_) + ".16." + std::to_string(host);
}

std::vector<std::string> SimAddressBlock::flags() const {
  return {"--node-cidr", node_cidr(), "--pod-cidr", pod_cidr()};
}

}  // namespace dynop::test
