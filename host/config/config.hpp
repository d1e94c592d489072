#pragma once
// Everything the host is told at startup. Defaults < config file < flags.
//
// Config file (YAML, every key optional, unknown keys are errors):
//   logLevel: info              # trace, debug, info, warn, error, off
//   logFormat: text             # text or json
//   pluginDir: /usr/lib/dynop/plugins   # relative paths: from the file's folder
//   plugins: [dgd, dgdsa]       # names to load; absent or empty: every plugin in pluginDir
//   pluginConfig:               # handed to each plugin as YAML text
//     dgd: {resyncSeconds: 30}
//   metricsAddress: 0.0.0.0:8080   # /metrics, /healthz, /readyz
//   kubeconfig: /etc/dynop/kubeconfig   # empty: $KUBECONFIG, then in-cluster
//   admissionAddress: ":9443"   # HTTPS admission webhooks; empty or absent: not served
//   admissionCertFile: /etc/dynop/webhook/tls.crt   # required with admissionAddress;
//   admissionKeyFile: /etc/dynop/webhook/tls.key    # reloaded when the files change
//   prometheus:                 # what plugins query (ABI 1.2 prometheus_query callbacks)
//     url: http://127.0.0.1:9090    # absent: plugins' queries answer "not configured"
//     timeout: 30s              # per query
//   autoscaling:                # how the host applies autoscaler plugins' decisions
//     identities:               # the user a plugin's /scale writes act as (Impersonate-User)
//       promql-scaler: system:serviceaccount:dynop-system:promql-scaler
//     conflictWindow: 2m        # two writers of one /scale within it: a Warning event (0s: off)
//     decisionLogSize: 1000     # decisions kept for GET /autoscaling/decisions
//   leaderElection:             # component-base's LeaderElectionConfiguration keys
//     leaderElect: true
//     leaseDuration: 15s        # Go durations; renewDeadline < leaseDuration and
//     renewDeadline: 10s        # retryPeriod * 1.2 < renewDeadline (client-go's checks)
//     retryPeriod: 2s
//     resourceName: dynop-leader
//     resourceNamespace: dynop-system

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/log/log.hpp"

namespace dynop::host {

struct Config {
  log::Level log_level = log::Level::kInfo;
  log::Format log_format = log::Format::kText;
  std::filesystem::path plugin_dir = "/usr/lib/dynop/plugins";
  std::vector<std::string> plugins;                  // empty: all found in plugin_dir
  std::map<std::string, std::string> plugin_config;  // plugin name -> YAML text
  std::string metrics_address = "0.0.0.0:8080";
  std::string kubeconfig;
  // The admission webhook server runs only when the address is set (upstream
  // serves it on :9443); cert and key are then required.
  std::string admission_address;
  std::string admission_cert_file;
  std::string admission_key_file;
  std::filesystem::path config_file;  // "" when none was given
  // Leader election on a coordination.k8s.io Lease (only with a Kubernetes
  // connection). Unset: on whenever a kubeconfig or in-cluster config is found.
  std::optional<bool> leader_elect;
  std::string leader_election_id = "dynop-leader";  // the Lease's name
  std::string leader_election_namespace;            // "": the pod's namespace, else dynop-system
  std::string leader_election_identity;             // "": <hostname>_<pid>
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  // Prometheus for plugins' queries; empty: none configured.
  std::string prometheus_url;
  std::chrono::milliseconds prometheus_timeout{30000};
  // Autoscaler plugin name -> the user its /scale writes impersonate ("":
  // the host's own identity).
  std::map<std::string, std::string> autoscaler_identities;
  std::chrono::milliseconds scale_conflict_window{120000};  // 0: no detection
  std::size_t decision_log_size = 1000;
};

// What main() does after reading the command line.
struct Startup {
  enum class Action { kRun, kHelp, kVersion, kError };
  Action action = Action::kRun;
  Config config;
  // kError: one line naming what is wrong and where; print it and exit with exit_code.
  std::string error;
  int exit_code = 0;  // 2 for command-line usage errors, 1 for config file errors
};

// Parses flags (args excludes argv[0]), reads the config file named by
// --config, and applies flags over it.
Startup load_startup(const std::vector<std::string>& args);

std::string usage();         // --help text
std::string version_line();  // "dynop 0.1.0"
const char* version();       // "0.1.0"

}  // namespace dynop::host
