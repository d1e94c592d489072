#include "tests/support/running_sim.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <regex>

#include "tests/support/file_text.hpp"
#include "tests/support/paths.hpp"

namespace dynop::test {

using namespace std::chrono_literals;

RunningSim::RunningSim(Options options) : token_file_(std::move(options.admin_token_file)) {
  std::string error;
  client_ = net::HttpClient::create({}, error);
  EXPECT_TRUE(addresses_.ok()) << addresses_.error();
  if (!addresses_.ok()) return;
  std::vector<std::string> args = {"--nodes",          options.profile,
                                   "--kubeconfig",     options.kubeconfig,
                                   "--admin-address",  "127.0.0.1:0",
                                   "--admin-token-file", token_file_.string()};
  for (const std::string& flag : addresses_.flags()) args.push_back(flag);
  for (std::string& flag : options.extra_args) args.push_back(std::move(flag));
  process_ = Process::spawn(binary_path("bin/dynop-sim"), args, error);
  EXPECT_TRUE(process_) << error;
  if (!process_) return;
  auto url = process_->wait_for_match(std::regex(R"(admin: (http://127\.0\.0\.1:\d+))"), 30s,
                                      Stream::kStdout);
  EXPECT_TRUE(url) << log();
  if (url) admin_url_ = *url;
  ready_ = process_->wait_for_output("dynop-sim is ready", 60s, Stream::kStdout);
  EXPECT_TRUE(ready_) << log();
}

RunningSim::~RunningSim() = default;

net::ClientResult RunningSim::admin(const std::string& method, const std::string& path) {
  net::ClientRequest request;
  request.method = method;
  request.url = admin_url_ + path;
  // The file holds the token and a newline.
  std::string token = file_text(token_file_);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  request.headers.emplace_back("Authorization", "Bearer " + token);
  return client_->request(request);
}

std::optional<int> RunningSim::stop() {
  client_.reset();
  if (!process_) return std::nullopt;
  process_->signal(SIGTERM);
  return process_->wait(30s);
}

std::string RunningSim::log() const {
  return process_ ? process_->stdout_text() + process_->stderr_text() : "";
}

}  // namespace dynop::test
