#include "host/config/flags.hpp"

#include <sstream>

#include "lib/cli/command_line.hpp"

namespace dynop::host {

namespace po = boost::program_options;

namespace {

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(value);
  while (std::getline(in, item, ',')) {
    auto b = item.find_first_not_of(" \t");
    auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// A flag that takes a value and is remembered only when given.
po::typed_value<std::string>* text(std::optional<std::string>& target, const char* value_name) {
  return po::value<std::string>()
      ->value_name(value_name)
      ->notifier([&target](const std::string& v) { target = v; });
}

// Every flag of dynop, bound to `flags` (its --help lists exactly these).
po::options_description describe_flags(Flags& flags) {
  po::options_description out("Flags (flags override the config file)", 100, 50);
  out.add_options()(
      "config", text(flags.config_file, "FILE"),
      "YAML config file (keys: logLevel, logFormat, pluginDir, plugins, pluginConfig, "
      "metricsAddress, kubeconfig, admissionAddress, admissionCertFile, admissionKeyFile, "
      "leaderElection: {leaderElect, leaseDuration, renewDeadline, retryPeriod, resourceName, "
      "resourceNamespace}, prometheus: {url, timeout}, autoscaling: {identities, "
      "conflictWindow, decisionLogSize})")("log-level", text(flags.log_level, "LEVEL"),
                             "trace, debug, info, warn, error or off (default info)")(
      "log-format", text(flags.log_format, "FORMAT"), "text or json (default text)")(
      "plugin-dir", text(flags.plugin_dir, "DIR"),
      "folder of plugin shared libraries (default /usr/lib/dynop/plugins)")(
      "plugins",
      po::value<std::vector<std::string>>()->value_name("A,B")->composing()->notifier(
          [&flags](const std::vector<std::string>& given) {
            flags.plugins.emplace();
            for (const auto& list : given) {
              for (auto& name : split_list(list)) flags.plugins->push_back(std::move(name));
            }
          }),
      "plugins to load, comma-separated, may repeat (default: every plugin in the folder)")(
      "metrics-address", text(flags.metrics_address, "ADDR"),
      "host:port for /metrics, /healthz, /livez, /readyz (default 0.0.0.0:8080)")(
      "kubeconfig", text(flags.kubeconfig, "FILE"),
      "kubeconfig to use (default $KUBECONFIG, then in-cluster)")(
      "admission-address", text(flags.admission_address, "ADDR"),
      "host:port for the HTTPS admission webhooks (e.g. :9443; default: not served)")(
      "admission-cert-file", text(flags.admission_cert_file, "FILE"),
      "PEM certificate chain for the admission webhooks")(
      "admission-key-file", text(flags.admission_key_file, "FILE"),
      "PEM private key for the admission webhooks (both files are reloaded when they change)")(
      "leader-elect", text(flags.leader_elect, "BOOL"),
      "true or false: run controllers only on the Lease holder (default true when connected "
      "to Kubernetes)")("leader-election-id", text(flags.leader_election_id, "NAME"),
                        "name of the Lease (default dynop-leader)")(
      "leader-election-namespace", text(flags.leader_election_namespace, "NS"),
      "namespace of the Lease (default the pod's, else dynop-system)")(
      "leader-elect-lease-duration", text(flags.leader_elect_lease_duration, "D"),
      "how long followers wait after the last renewal before they take the Lease (default 15s; "
      "Go durations: 15s, 500ms, 1m)")(
      "leader-elect-renew-deadline", text(flags.leader_elect_renew_deadline, "D"),
      "how long the leader keeps trying to renew before it gives up leadership (default 10s; "
      "shorter than the lease duration)")(
      "leader-elect-retry-period", text(flags.leader_elect_retry_period, "D"),
      "how often candidates try to take the Lease and the leader renews it (default 2s; under "
      "the renew deadline / 1.2)")(
      "prometheus-url", text(flags.prometheus_url, "URL"),
      "Prometheus that plugins query (prometheus.url), e.g. http://127.0.0.1:9090")(
      "version", po::bool_switch(&flags.version),
                                   "print the version and exit")(
      "help,h", po::bool_switch(&flags.help), "print this help and exit");
  return out;
}

}  // namespace

bool parse_flags(const std::vector<std::string>& args, Flags& flags, std::string& error) {
  po::variables_map values;
  return cli::parse(args, describe_flags(flags), "dynop", values, error);
}

std::string flags_help() {
  Flags unused;
  return cli::describe(describe_flags(unused));
}

}  // namespace dynop::host
