#pragma once
// The real dynop binary started for a test: waits until it logs its ops
// address and "dynop is ready", then serves GETs against /healthz, /readyz
// and /metrics. Failures to start are reported as test failures (EXPECT),
// so a test can ASSERT_TRUE(host.ready()) and print host.log().
//
//   test::RunningHost host({"--metrics-address", "127.0.0.1:0"});
//   ASSERT_TRUE(host.ready()) << host.log();
//   EXPECT_EQ(host.get("/readyz").status, 200u);
//   EXPECT_EQ(host.stop(), 0);

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/net/http_client.hpp"
#include "tests/support/process.hpp"

namespace dynop::test {

class RunningHost {
 public:
  explicit RunningHost(const std::vector<std::string>& args);
  // Another dynop binary than the build tree's, e.g. the installed /usr/bin/dynop.
  RunningHost(const std::vector<std::string>& args, const std::string& binary);
  ~RunningHost();

  // The ops address was logged.
  bool started() const { return process_ && !address_.empty(); }
  // "dynop is ready" was logged.
  bool ready() const { return ready_; }

  net::ClientResponse get(const std::string& path);
  // One sample of /metrics: the first line of family `name` whose labels
  // include every entry of `labels` (each written `key="value"`), e.g.
  //   host.metric("dynop_reconcile_total", {R"(controller="mirror")", R"(result="error")"})
  // nullopt when there is no such sample.
  std::optional<double> metric(const std::string& name,
                               const std::vector<std::string>& labels = {});

  // SIGTERM, then the exit code. Our keep-alive connection is closed first:
  // what is under test is the host's shutdown, not the ops server draining
  // clients (the server leaks sessions still open at exit under ASan).
  std::optional<int> stop();

  std::string log() const { return process_->stderr_text() + process_->stdout_text(); }
  Process& process() { return *process_; }

 private:
  std::unique_ptr<Process> process_;
  std::string address_;
  bool ready_ = false;
  std::unique_ptr<net::HttpClient> client_;
};

}  // namespace dynop::test
