#include "tests/support/running_host.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <regex>

#include "tests/support/paths.hpp"
#include "tests/support/text_lines.hpp"

namespace dynop::test {

using namespace std::chrono_literals;

RunningHost::RunningHost(const std::vector<std::string>& args)
    : RunningHost(args, binary_path("bin/dynop")) {}

RunningHost::RunningHost(const std::vector<std::string>& args, const std::string& binary) {
  std::string error;
  process_ = Process::spawn(binary, args, error);
  EXPECT_TRUE(process_) << error;
  if (!process_) return;
  auto address = process_->wait_for_match(
      std::regex(R"(serving metrics and health on http://([0-9.]+:[0-9]+))"), 30s);
  EXPECT_TRUE(address) << process_->stderr_text();
  if (address) address_ = *address;
  ready_ = process_->wait_for_output("dynop is ready", 30s);
  EXPECT_TRUE(ready_) << process_->stderr_text();
  client_ = net::HttpClient::create({}, error);
}

RunningHost::~RunningHost() = default;

net::ClientResponse RunningHost::get(const std::string& path) {
  net::ClientRequest req;
  req.url = "http://" + address_ + path;
  auto r = client_->request(req);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.response.value_or(net::ClientResponse{});
}

std::optional<double> RunningHost::metric(const std::string& name,
                                          const std::vector<std::string>& labels) {
  for (const std::string& line : lines_of(get("/metrics").body)) {
    if (!line.starts_with(name + "{") && !line.starts_with(name + " ")) continue;
    bool all = true;
    for (const std::string& label : labels) all = all && line.find(label) != std::string::npos;
    if (all) return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return std::nullopt;
}

std::optional<int> RunningHost::stop() {
  client_.reset();
  process_->signal(SIGTERM);
  return process_->wait(30s);
}

}  // namespace dynop::test
