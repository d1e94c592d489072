#include "tests/integration/runtime/mirror_scenario.hpp"

#include <chrono>
#include <sstream>
#include <thread>

#include "tests/fixtures/plugins/mirror_objects.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/text_lines.hpp"

namespace dynop::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kConfigMaps = "/api/v1/namespaces/default/configmaps";

std::string port_of(const std::string& url) { return url.substr(url.rfind(':') + 1); }

// What a copy looks like to the test: "<value> owner=<name>" (or what is
// wrong with it), so a mismatch prints readably.
std::string describe_copy(const json::value& copy) {
  std::string owner = "<none>";
  if (const auto* refs = copy.at("metadata").as_object().if_contains("ownerReferences");
      refs != nullptr && refs->is_array()) {
    for (const json::value& ref : refs->as_array()) {
      if (field_text(ref, {"controller"}) == "true") owner = field_text(ref, {"name"});
    }
  }
  return field_text(copy, {"data", "value"}) + " owner=" + owner +
         " role=" + field_text(copy, {"metadata", "labels", "mirror.dynop.dev/role"});
}

}  // namespace

MirrorScenario::MirrorScenario() : data_dir_((dir_.path() / "cluster").string()) {}

MirrorScenario::~MirrorScenario() = default;

void MirrorScenario::TearDown() {
  if (!host_ || !host_->started()) return;
  EXPECT_EQ(host_->stop(), 0) << context();
}

void MirrorScenario::start_cluster(const std::vector<std::string>& extra_args) {
  // Info: the cluster logs its restarts in place, which restart_in_place() waits for.
  cluster_args_ = {"--log-level", "info"};
  cluster_args_.insert(cluster_args_.end(), extra_args.begin(), extra_args.end());
  LocalCluster::Options options;
  options.in_memory = false;
  options.extra_args = cluster_args_;
  clusters_.push_back(std::make_unique<LocalCluster>(options, data_dir_));
  cluster_ = clusters_.back().get();
  ASSERT_TRUE(cluster_->ok()) << cluster_->error();
}

void MirrorScenario::restart_cluster_process() {
  ASSERT_NE(cluster_, nullptr);
  const std::string port = port_of(cluster_->url());
  EXPECT_EQ(cluster_->stop(), 0) << cluster_->process().stderr_text();
  LocalCluster::Options options;
  options.in_memory = false;
  options.extra_args = cluster_args_;
  options.extra_args.insert(options.extra_args.end(), {"--port", port});  // the last --port wins
  clusters_.push_back(std::make_unique<LocalCluster>(options, data_dir_));
  cluster_ = clusters_.back().get();
  ASSERT_TRUE(cluster_->ok()) << cluster_->error();
  ASSERT_EQ(port_of(cluster_->url()), port);
}

void MirrorScenario::start_host(const std::string& mirror_config) {
  ASSERT_NE(cluster_, nullptr);
  std::string config = "pluginConfig:\n  mirror:\n";
  std::istringstream lines(mirror_config.empty() ? "{}" : mirror_config);
  for (std::string line; std::getline(lines, line);) config += "    " + line + "\n";
  const std::string config_file = dir_.write("dynop.yaml", config);
  host_ = std::make_unique<RunningHost>(std::vector<std::string>{
      "--kubeconfig", cluster_->kubeconfig(), "--plugin-dir", binary_path("test-plugins/mirror"),
      "--plugins", "mirror", "--config", config_file, "--metrics-address", "127.0.0.1:0",
      "--leader-elect=false"});
  ASSERT_TRUE(host_->ready()) << host_->log();
}

void MirrorScenario::start_with_mirrored_sources(int count, const std::string& mirror_config) {
  start_cluster();
  if (HasFatalFailure()) return;
  start_host(mirror_config);
  if (HasFatalFailure()) return;
  create_sources(count);
  if (HasFatalFailure()) return;
  expect_copies_converge();
}

void MirrorScenario::create_sources(int count) {
  for (int i = 0; i < count; ++i) create_source("src-" + std::to_string(i));
}

void MirrorScenario::create_source(const std::string& name, bool expect_copy) {
  write_source(name, "v0", true);
  if (expect_copy && !HasFatalFailure()) last_value_[name] = "v0";
}

void MirrorScenario::update_sources(int rounds, const std::function<void()>& between) {
  for (int r = 0; r < rounds; ++r) {
    ++round_;
    for (auto& [name, value] : last_value_) {
      value = "v" + std::to_string(round_);
      write_source(name, value, false);
      if (HasFatalFailure()) return;
    }
    if (between) between();
  }
}

void MirrorScenario::write_source(const std::string& name, const std::string& value, bool create) {
  // A refused write (an injected 409/429/500, or the server restarting) is
  // retried: the client's job, not what is under test.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kWaitSeconds);
  ApiResponse r;
  do {
    r = create ? cluster_->post(kConfigMaps, mirror_source(name, value))
               : cluster_->patch(std::string(kConfigMaps) + "/" + name,
                                 json::serialize(json::object{{"data", {{"value", value}}}}));
    if (create && r.status == 409 && r.body.find("AlreadyExists") != std::string::npos) break;
    if (r.status / 100 == 2) break;
    std::this_thread::sleep_for(20ms);
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_TRUE(r.status / 100 == 2 || (create && r.status == 409))
      << "writing " << name << ": " << r.status << " " << r.body;
}

json::object MirrorScenario::set_faults(const json::object& fields) {
  ApiResponse r = cluster_->put("/admin/faults", fields);
  EXPECT_EQ(r.status, 200u) << r.body;
  return r.json().is_object() ? r.json().as_object() : json::object();
}

json::object MirrorScenario::admin_post(const std::string& path) {
  ApiResponse r = cluster_->request("POST", path);
  EXPECT_EQ(r.status, 200u) << path << ": " << r.body;
  return r.json().is_object() ? r.json().as_object() : json::object();
}

void MirrorScenario::restart_in_place() {
  const std::size_t before = restarts_logged();
  ApiResponse r = cluster_->request("POST", "/admin/restart");
  EXPECT_EQ(r.status, 202u) << r.body;
  EXPECT_TRUE(eventually([&] { return restarts_logged() > before; }, kWaitSeconds))
      << cluster_->process().stderr_text();
  wait_for_cluster_api();
}

std::size_t MirrorScenario::restarts_logged() {
  return lines_with(cluster_->process().stderr_text(), "restarted: serving again").size();
}

void MirrorScenario::wait_for_cluster_api() {
  EXPECT_TRUE(eventually([&] { return cluster_->get("/version").status == 200; }, kWaitSeconds))
      << cluster_->process().stderr_text();
}

std::map<std::string, std::string> MirrorScenario::copy_values() {
  std::map<std::string, std::string> out;
  ApiResponse r =
      cluster_->get(std::string(kConfigMaps) + "?labelSelector=mirror.dynop.dev%2Frole%3Dcopy");
  for (const json::value& copy : items(r)) {
    out[field_text(copy, {"metadata", "name"})] = describe_copy(copy);
  }
  return out;
}

void MirrorScenario::expect_copies_converge() {
  std::map<std::string, std::string> want;
  for (const auto& [name, value] : last_value_) {
    want[name + "-mirror"] = value + " owner=" + name + " role=copy";
  }
  std::map<std::string, std::string> got;
  const bool converged = eventually(
      [&] {
        got = copy_values();
        return got == want;
      },
      kWaitSeconds);
  if (converged) return;
  std::string diff;
  for (const auto& [name, expected] : want) {
    auto it = got.find(name);
    const std::string actual = it == got.end() ? "<missing>" : it->second;
    if (actual != expected) diff += "  " + name + ": want " + expected + ", got " + actual + "\n";
  }
  ADD_FAILURE() << "copies did not converge within " << kWaitSeconds << " s:\n"
                << diff << context();
}

void MirrorScenario::expect_host_healthy() {
  ASSERT_TRUE(host_);
  EXPECT_TRUE(host_->process().running()) << context();
  EXPECT_EQ(host_->get("/healthz").status, 200u) << context();
}

double MirrorScenario::reconciles(const std::string& result) {
  return host_
      ->metric("dynop_reconcile_total", {"controller=\"mirror\"", "result=\"" + result + "\""})
      .value_or(0);
}

double MirrorScenario::configmap_informer(const std::string& name, const std::string& label) {
  std::vector<std::string> labels{R"(resource="configmaps")"};
  if (!label.empty()) labels.push_back(label);
  return host_->metric("dynop_informer_" + name, labels).value_or(0);
}

std::string MirrorScenario::context() const {
  std::string out;
  if (host_) out += "--- host log ---\n" + host_->log();
  if (cluster_) out += "--- cluster stderr ---\n" + cluster_->process().stderr_text();
  return out;
}

}  // namespace dynop::test
