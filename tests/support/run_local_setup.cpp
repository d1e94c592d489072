#include "tests/support/run_local_setup.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <sstream>

#include "tests/support/file_text.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/paths.hpp"

namespace dynop::test {

using namespace std::chrono_literals;

std::string RunLocalSetup::missing_prerequisite() {
  if (!std::filesystem::exists(kKubectlPath)) return std::string("no ") + kKubectlPath;
  for (const char* built :
       {"bin/dynop", "bin/dynop-localcluster", "bin/dynop-sim", "plugins/dgd.so",
        "plugins/dgdsa.so", "plugins/webhook.so", "plugins/gpu-scheduler.so"}) {
    if (!std::filesystem::exists(binary_path(built))) return binary_path(built) + " was not built";
  }
  return {};
}

RunLocalSetup::RunLocalSetup() : RunLocalSetup(Options{}) {}

RunLocalSetup::RunLocalSetup(const std::filesystem::path& data_dir)
    : RunLocalSetup(Options{data_dir, {}, {}, {}, {}, {}}) {}

RunLocalSetup::RunLocalSetup(Options options)
    : data_dir_(options.data_dir.empty() ? dir_.path() / "data" : options.data_dir) {
  EXPECT_TRUE(sim_addresses_.ok()) << sim_addresses_.error();
  if (!sim_addresses_.ok()) return;
  std::string sim_flags;
  for (const std::string& flag : sim_addresses_.flags()) sim_flags += flag + " ";
  for (const std::string& flag : options.sim_flags) sim_flags += flag + " ";
  SpawnOptions spawn;
  spawn.env = {{"DYNOP_RUN_DATA_DIR", data_dir_.string()},
               {"DYNOP_RUN_LOG_DIR", (dir_.path() / "logs").string()},
               {"DYNOP_RUN_SIM_FLAGS", sim_flags},
               // The script's own kubectl calls keep their discovery cache here.
               {"HOME", (dir_.path() / "home").string()},
               // Setups running in parallel would all find 9090 free.
               {"DYNOP_PROMETHEUS_PORT", std::to_string(free_loopback_port())}};
  if (!options.sim_load.empty()) spawn.env["DYNOP_RUN_SIM_LOAD"] = options.sim_load.string();
  if (!options.prometheus_adapter_config.empty()) {
    spawn.env["DYNOP_RUN_PROMETHEUS_ADAPTER_CONFIG"] = options.prometheus_adapter_config.string();
  }
  // The script splits each variable's words at spaces.
  for (const auto& [variable, words] :
       {std::pair{"DYNOP_RUN_LOCALCLUSTER_FLAGS", &options.localcluster_flags},
        std::pair{"DYNOP_RUN_HOST_FLAGS", &options.host_flags}}) {
    std::string joined;
    for (const std::string& word : *words) joined += word + " ";
    if (!joined.empty()) spawn.env[variable] = joined;
  }
  spawn.unset_env = {"KUBECONFIG"};
  std::string error;
  script_ =
      Process::spawn(source_path("packaging/run-local.sh"), {binary_dir().string()}, error, spawn);
  EXPECT_TRUE(script_) << error;
  if (!script_) return;
  // Applying the CRDs and the example takes a few kubectl round trips.
  auto kubeconfig =
      script_->wait_for_match(std::regex(R"(kubeconfig: (\S+))"), 120s, Stream::kStdout);
  EXPECT_TRUE(kubeconfig) << log();
  if (!kubeconfig) return;
  kubeconfig_ = *kubeconfig;
  auto sim_admin =
      script_->wait_for_match(std::regex(R"(dynop-sim: +(http://\S+))"), 10s, Stream::kStdout);
  EXPECT_TRUE(sim_admin) << log();
  if (sim_admin) sim_admin_url_ = *sim_admin;
}

RunLocalSetup::~RunLocalSetup() {
  if (script_ && !stopped_) {
    auto code = stop();
    EXPECT_EQ(code, 0) << "run-local.sh did not stop cleanly\n" << log();
  }
}

RunResult RunLocalSetup::kubectl(const std::vector<std::string>& args,
                                 const std::string& stdin_text) const {
  return Kubectl(kubeconfig_, dir_.path() / "kube-cache").run(args, stdin_text);
}

std::string RunLocalSetup::kubectl_ok(const std::vector<std::string>& args,
                                      const std::string& stdin_text) const {
  return Kubectl(kubeconfig_, dir_.path() / "kube-cache").ok(args, stdin_text);
}

std::optional<int> RunLocalSetup::stop() {
  if (!script_) return std::nullopt;
  if (!stopped_) {
    stopped_ = true;
    script_->signal(SIGTERM);
    exit_code_ = script_->wait(60s);
    // In a sanitizer build the cluster and the host report into their logs;
    // the script's exit code does not carry their exit codes.
    const std::string logs = log();
    for (const char* report :
         {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
      EXPECT_EQ(logs.find(report), std::string::npos) << report << " in\n" << logs;
    }
  }
  return exit_code_;
}

std::string RunLocalSetup::ops_address() const {
  std::smatch match;
  const std::string log = host_log();
  std::regex_search(log, match, std::regex(R"(serving metrics and health on http://(\S+))"));
  return match.size() > 1 ? match[1].str() : std::string();
}

std::string RunLocalSetup::printed() const { return script_ ? script_->stdout_text() : ""; }

std::string RunLocalSetup::sim_admin_token() const {
  // The file's one line, without its newline (as `$(cat file)` reads it).
  std::string token = file_text(data_dir_ / "sim-admin-token");
  return token.substr(0, token.find('\n'));
}

std::string RunLocalSetup::host_log() const {
  return file_text(dir_.path() / "logs" / "dynop.log");
}

std::string RunLocalSetup::log() const {
  std::string text;
  if (script_) {
    text += "--- run-local.sh stdout\n" + script_->stdout_text();
    text += "--- run-local.sh stderr\n" + script_->stderr_text();
  }
  for (const char* file : {"localcluster.log", "dynop.log", "sim.log"}) {
    text += std::string("--- ") + file + "\n" + file_text(dir_.path() / "logs" / file);
  }
  return text;
}

void RunLocalTest::SetUp() {
  if (auto missing = RunLocalSetup::missing_prerequisite(); !missing.empty()) {
    GTEST_SKIP() << missing;
  }
  setup_ = std::make_unique<RunLocalSetup>();
  ASSERT_TRUE(setup_->ready()) << setup_->log();
}

void RunLocalTest::TearDown() {
  if (setup_ && setup_->ready()) {
    EXPECT_EQ(setup_->stop(), 0) << "run-local.sh did not stop cleanly\n" << setup_->log();
  }
}

std::vector<std::vector<std::string>> table_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream cells(line);
    std::vector<std::string> row;
    for (std::string cell; cells >> cell;) row.push_back(cell);
    if (!row.empty()) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace dynop::test
