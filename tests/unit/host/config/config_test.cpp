#include "host/config/config.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "host/config/config_file.hpp"
#include "host/config/host_port.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::host {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  std::string write(const std::string& text, const std::string& name = "config.yaml") {
    return temp_.write(name, text);
  }
  Startup with_file(const std::string& text, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--config", write(text)};
    args.insert(args.end(), extra.begin(), extra.end());
    return load_startup(args);
  }
  test::TempDir temp_{"dynop-config"};
  const std::filesystem::path& dir_ = temp_.path();
};

TEST_F(ConfigTest, DefaultsWithoutFileOrFlags) {
  Startup s = load_startup({});
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.log_level, log::Level::kInfo);
  EXPECT_EQ(s.config.log_format, log::Format::kText);
  EXPECT_EQ(s.config.metrics_address, "0.0.0.0:8080");
  EXPECT_TRUE(s.config.plugins.empty());
}

TEST_F(ConfigTest, FileSetsEverySetting) {
  Startup s = with_file(R"(logLevel: debug
logFormat: json
pluginDir: /opt/dynop/plugins
plugins: [dgd, dgdsa]
pluginConfig:
  dgd:
    resyncSeconds: 30
    names: [a, b]
  dgdsa: {}
metricsAddress: 127.0.0.1:9090
kubeconfig: /etc/dynop/kubeconfig
)");
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.log_level, log::Level::kDebug);
  EXPECT_EQ(s.config.log_format, log::Format::kJson);
  EXPECT_EQ(s.config.plugin_dir, "/opt/dynop/plugins");
  EXPECT_EQ(s.config.plugins, (std::vector<std::string>{"dgd", "dgdsa"}));
  EXPECT_EQ(s.config.metrics_address, "127.0.0.1:9090");
  EXPECT_EQ(s.config.kubeconfig, "/etc/dynop/kubeconfig");
  ASSERT_EQ(s.config.plugin_config.count("dgd"), 1u);
  YAML::Node dgd = YAML::Load(s.config.plugin_config["dgd"]);
  EXPECT_EQ(dgd["resyncSeconds"].as<int>(), 30);
  EXPECT_EQ(dgd["names"][1].as<std::string>(), "b");
  EXPECT_EQ(YAML::Load(s.config.plugin_config["dgdsa"]).size(), 0u);
}

TEST_F(ConfigTest, RelativePathsInTheFileAreFromItsFolder) {
  Startup s = with_file("pluginDir: plugins\nkubeconfig: kube/config\n");
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.plugin_dir, dir_ / "plugins");
  EXPECT_EQ(s.config.kubeconfig, (dir_ / "kube/config").string());
}

TEST_F(ConfigTest, FlagsBeatTheFile) {
  Startup s = with_file("logLevel: debug\nplugins: [dgd]\nmetricsAddress: 127.0.0.1:9090\n",
                        {"--log-level", "error", "--plugins=a,b", "--metrics-address",
                         "127.0.0.1:0", "--log-format=json", "--plugin-dir", "/p"});
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.log_level, log::Level::kError);
  EXPECT_EQ(s.config.log_format, log::Format::kJson);
  EXPECT_EQ(s.config.plugins, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.config.metrics_address, "127.0.0.1:0");
  EXPECT_EQ(s.config.plugin_dir, "/p");
}

TEST_F(ConfigTest, UnknownKeyNamesFileLineAndColumn) {
  Startup s = with_file("logLevel: info\n  \nlogLvl: debug\n");
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(
      s.error,
      (dir_ / "config.yaml").string() +
          ":3:1: unknown key \"logLvl\" (known keys: logLevel, logFormat, "
          "pluginDir, plugins, pluginConfig, metricsAddress, kubeconfig, "
          "admissionAddress, admissionCertFile, admissionKeyFile, leaderElection, prometheus, "
          "autoscaling)");
}

TEST_F(ConfigTest, WrongTypesAreNamed) {
  Startup s = with_file("plugins: dgd\n");
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_EQ(s.error,
            (dir_ / "config.yaml").string() + ":1:10: plugins must be a list of plugin names");

  s = with_file("logLevel: [info]\n");
  EXPECT_EQ(s.error, (dir_ / "config.yaml").string() + ":1:11: logLevel must be a string");

  s = with_file("logLevel: loud\n");
  EXPECT_EQ(s.error, (dir_ / "config.yaml").string() +
                         ":1:11: logLevel: unknown log level \"loud\" (expected one of: trace, "
                         "debug, info, warn, error, off)");

  s = with_file("metricsAddress: 8080\n");
  EXPECT_EQ(s.error, (dir_ / "config.yaml").string() +
                         ":1:17: metricsAddress: invalid address \"8080\" (expected host:port, "
                         "e.g. 0.0.0.0:8080)");

  s = with_file("- a\n- b\n");
  EXPECT_EQ(s.error, (dir_ / "config.yaml").string() +
                         ":1:1: the config file must be a mapping of settings");

  s = with_file("pluginConfig: [a]\n");
  EXPECT_EQ(s.error, (dir_ / "config.yaml").string() +
                         ":1:15: pluginConfig must map plugin names to their settings");
}

TEST_F(ConfigTest, InvalidYamlIsOneLineWithPosition) {
  Startup s = with_file("logLevel: info\nplugins: [a, b\n");
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_TRUE(s.error.starts_with((dir_ / "config.yaml").string() + ":")) << s.error;
  EXPECT_NE(s.error.find("invalid YAML"), std::string::npos) << s.error;
  EXPECT_EQ(s.error.find('\n'), std::string::npos) << s.error;
}

TEST_F(ConfigTest, EmptyFileIsFine) {
  Startup s = with_file("");
  EXPECT_EQ(s.action, Startup::Action::kRun) << s.error;
}

TEST_F(ConfigTest, UnreadableFile) {
  Startup s = load_startup({"--config", (dir_ / "missing.yaml").string()});
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(s.error, "cannot read config file " + (dir_ / "missing.yaml").string() +
                         ": No such file or directory");
  s = load_startup({"--config", dir_.string()});
  EXPECT_EQ(s.error, "cannot read config file " + dir_.string() + ": it is a directory");
}

TEST_F(ConfigTest, FlagErrorsAreUsageErrors) {
  Startup s = load_startup({"--frobnicate"});
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_EQ(s.error, "unknown flag --frobnicate (see --help)");

  s = load_startup({"--log-level"});
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_EQ(s.error, "flag --log-level needs a value");

  s = load_startup({"--log-level=loud"});
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_EQ(s.error,
            "--log-level: unknown log level \"loud\" (expected one of: trace, debug, info, warn, "
            "error, off)");

  s = load_startup({"--metrics-address", "localhost:99999"});
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_EQ(s.error,
            "--metrics-address: invalid port in address \"localhost:99999\" (expected 0-65535)");

  s = load_startup({"stray"});
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_EQ(s.error, "unexpected argument \"stray\" (dynop takes only flags; see --help)");
}

TEST_F(ConfigTest, HelpAndVersionWinOverEverythingElse) {
  EXPECT_EQ(load_startup({"--version", "--config", "/nonexistent"}).action,
            Startup::Action::kVersion);
  EXPECT_EQ(load_startup({"-h"}).action, Startup::Action::kHelp);
  EXPECT_EQ(version_line(), std::string("dynop ") + version());
  EXPECT_NE(usage().find("--metrics-address"), std::string::npos);
}

TEST_F(ConfigTest, AdmissionIsOffUnlessAnAddressIsSet) {
  Startup s = load_startup({});
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.admission_address, "");

  s = with_file(
      "admissionAddress: \":9443\"\nadmissionCertFile: tls/tls.crt\n"
      "admissionKeyFile: /etc/dynop/tls.key\n");
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.admission_address, ":9443");
  EXPECT_EQ(s.config.admission_cert_file, (dir_ / "tls/tls.crt").string());
  EXPECT_EQ(s.config.admission_key_file, "/etc/dynop/tls.key");

  s = load_startup({"--admission-address=127.0.0.1:0", "--admission-cert-file", "c",
                    "--admission-key-file", "k"});
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.admission_address, "127.0.0.1:0");
  EXPECT_EQ(s.config.admission_cert_file, "c");
}

TEST_F(ConfigTest, AdmissionNeedsCertificateAndKey) {
  Startup s = load_startup({"--admission-address", ":9443", "--admission-cert-file", "c"});
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_NE(s.error.find("need a certificate and a key"), std::string::npos) << s.error;
  s = with_file("admissionAddress: \":9443\"\n");
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_EQ(s.exit_code, 1);
  s = load_startup({"--admission-address", "nowhere"});
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_EQ(s.error.rfind("--admission-address: ", 0), 0u) << s.error;
}

TEST_F(ConfigTest, LeaseTimingsDefaultToClientGosAndFlagsSetThem) {
  using namespace std::chrono_literals;
  Startup s = load_startup({});
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.lease_duration, 15s);
  EXPECT_EQ(s.config.renew_deadline, 10s);
  EXPECT_EQ(s.config.retry_period, 2s);
  s = load_startup({"--leader-elect-lease-duration", "3s", "--leader-elect-renew-deadline=2s",
                    "--leader-elect-retry-period", "250ms"});
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.lease_duration, 3s);
  EXPECT_EQ(s.config.renew_deadline, 2s);
  EXPECT_EQ(s.config.retry_period, 250ms);
}

TEST_F(ConfigTest, LeaseTimingFlagErrorsNameTheFlag) {
  auto error = [](std::vector<std::string> args) {
    Startup s = load_startup(args);
    EXPECT_EQ(s.action, Startup::Action::kError);
    EXPECT_EQ(s.exit_code, 2) << s.error;
    return s.error;
  };
  EXPECT_EQ(error({"--leader-elect-lease-duration", "15"}),
            "--leader-elect-lease-duration: time: missing unit in duration \"15\"");
  EXPECT_EQ(error({"--leader-elect-renew-deadline", "20s"}),
            "--leader-elect-renew-deadline: 20s must be shorter than the lease duration (15s)");
  EXPECT_EQ(error({"--leader-elect-lease-duration", "5s"}),
            "--leader-elect-lease-duration: 5s must be longer than the renew deadline (10s)");
  EXPECT_EQ(error({"--leader-elect-retry-period", "9s"}),
            "--leader-elect-retry-period: 9s is too long for the renew deadline (10s); the "
            "renew deadline must exceed 1.2 times it");
  EXPECT_EQ(error({"--leader-elect-renew-deadline", "2s"}),
            "--leader-elect-renew-deadline: 2s must exceed 1.2 times the retry period (2s)");
  EXPECT_EQ(error({"--leader-elect-lease-duration", "500ms", "--leader-elect-renew-deadline",
                   "400ms", "--leader-elect-retry-period", "100ms"}),
            "--leader-elect-lease-duration: 500ms is shorter than 1s (a Lease counts whole "
            "seconds)");
  EXPECT_EQ(error({"--leader-elect-retry-period", "0"}),
            "--leader-elect-retry-period: 0s must be positive");
}

TEST_F(ConfigTest, LeaderElectionSectionOfTheConfigFile) {
  using namespace std::chrono_literals;
  Startup s = with_file(R"(leaderElection:
  leaderElect: false
  leaseDuration: 30s
  renewDeadline: 20s
  retryPeriod: 4s
  resourceName: my-lease
  resourceNamespace: ops
)");
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.leader_elect, false);
  EXPECT_EQ(s.config.lease_duration, 30s);
  EXPECT_EQ(s.config.renew_deadline, 20s);
  EXPECT_EQ(s.config.retry_period, 4s);
  EXPECT_EQ(s.config.leader_election_id, "my-lease");
  EXPECT_EQ(s.config.leader_election_namespace, "ops");
  // Flags win over the file.
  s = with_file("leaderElection: {retryPeriod: 4s}\n", {"--leader-elect-retry-period", "1s"});
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.retry_period, 1s);
}

TEST_F(ConfigTest, LeaderElectionSectionErrorsNameTheFileAndKey) {
  Startup s = with_file("leaderElection:\n  renewDeadline: 20s\n");
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(s.error, (dir_ / "config.yaml").string() +
                         ": leaderElection.renewDeadline: 20s must be shorter than the lease "
                         "duration (15s)");
  s = with_file("leaderElection:\n  retryPeriod: soon\n");
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(s.error, (dir_ / "config.yaml").string() +
                         ":2:16: leaderElection.retryPeriod: time: invalid duration \"soon\"");
  s = with_file("leaderElection:\n  leaseDurationSeconds: 15\n");
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_NE(s.error.find("unknown key \"leaderElection.leaseDurationSeconds\" (known keys: "
                         "leaderElect, leaseDuration"),
            std::string::npos)
      << s.error;
  // A flag fixing the file's value makes it valid again.
  s = with_file("leaderElection:\n  renewDeadline: 20s\n",
                {"--leader-elect-lease-duration", "30s"});
  EXPECT_EQ(s.action, Startup::Action::kRun) << s.error;
}

TEST_F(ConfigTest, PrometheusAndAutoscalingSections) {
  Startup s = with_file(R"(prometheus:
  url: http://127.0.0.1:9090
  timeout: 5s
autoscaling:
  identities:
    promql-scaler: system:serviceaccount:dynop-system:promql-scaler
  conflictWindow: 90s
  decisionLogSize: 50
)");
  ASSERT_EQ(s.action, Startup::Action::kRun) << s.error;
  EXPECT_EQ(s.config.prometheus_url, "http://127.0.0.1:9090");
  EXPECT_EQ(s.config.prometheus_timeout, std::chrono::seconds(5));
  EXPECT_EQ(s.config.autoscaler_identities.at("promql-scaler"),
            "system:serviceaccount:dynop-system:promql-scaler");
  EXPECT_EQ(s.config.scale_conflict_window, std::chrono::seconds(90));
  EXPECT_EQ(s.config.decision_log_size, 50u);

  // The flag beats the file; without either there is no Prometheus.
  s = with_file("prometheus: {url: 'http://a:9090'}\n", {"--prometheus-url=http://b:9090"});
  EXPECT_EQ(s.config.prometheus_url, "http://b:9090");
  EXPECT_EQ(load_startup({}).config.prometheus_url, "");
  EXPECT_EQ(load_startup({}).config.scale_conflict_window, std::chrono::minutes(2));
}

TEST_F(ConfigTest, PrometheusAndAutoscalingErrorsNameTheKey) {
  const std::string file = (dir_ / "config.yaml").string();
  Startup s = with_file("prometheus:\n  url: prometheus:9090\n");
  ASSERT_EQ(s.action, Startup::Action::kError);
  EXPECT_EQ(s.error, file +
                         ":2:8: prometheus.url: \"prometheus:9090\" must start with http:// or "
                         "https://");
  s = with_file("prometheus:\n  address: x\n");
  EXPECT_EQ(s.error, file + ":2:3: unknown key \"prometheus.address\" (known keys: url, timeout)");
  s = with_file("autoscaling:\n  conflictWindow: often\n");
  EXPECT_EQ(s.error, file + ":2:19: autoscaling.conflictWindow: time: invalid duration \"often\"");
  s = with_file("autoscaling:\n  identities: [a]\n");
  EXPECT_EQ(s.error, file + ":2:15: autoscaling.identities must map plugin names to users");
  s = with_file("autoscaling:\n  decisionLogSize: -3\n");
  EXPECT_EQ(s.error,
            file + ":2:20: autoscaling.decisionLogSize: \"-3\" is not a positive whole number");
  s = load_startup({"--prometheus-url", "localhost:9090"});
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_EQ(s.error, "--prometheus-url: \"localhost:9090\" must start with http:// or https://");
}

TEST(HostPort, Forms) {
  HostPort hp;
  std::string error;
  ASSERT_TRUE(parse_host_port("127.0.0.1:8080", hp, error));
  EXPECT_EQ(hp.host, "127.0.0.1");
  EXPECT_EQ(hp.port, 8080);
  ASSERT_TRUE(parse_host_port("[::1]:0", hp, error));
  EXPECT_EQ(hp.host, "::1");
  EXPECT_EQ(hp.port, 0);
  ASSERT_TRUE(parse_host_port(":9090", hp, error));
  EXPECT_EQ(hp.host, "");
  EXPECT_FALSE(parse_host_port("::1:80", hp, error));
  EXPECT_FALSE(parse_host_port("host:", hp, error));
}

}  // namespace
}  // namespace dynop::host
