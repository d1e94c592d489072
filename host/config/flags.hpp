#pragma once
// Command-line flags. Each flag is remembered only when given, so that the
// caller can apply exactly the given ones over the config file.

#include <optional>
#include <string>
#include <vector>

namespace dynop::host {

struct Flags {
  bool help = false;
  bool version = false;
  std::optional<std::string> config_file;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
  std::optional<std::string> plugin_dir;
  std::optional<std::vector<std::string>> plugins;
  std::optional<std::string> metrics_address;
  std::optional<std::string> kubeconfig;
  std::optional<std::string> admission_address;
  std::optional<std::string> admission_cert_file;
  std::optional<std::string> admission_key_file;
  std::optional<std::string> leader_elect;  // "true" or "false"
  std::optional<std::string> leader_election_id;
  std::optional<std::string> leader_election_namespace;
  // Go durations ("15s"), as kube-controller-manager's flags of the same names.
  std::optional<std::string> leader_elect_lease_duration;
  std::optional<std::string> leader_elect_renew_deadline;
  std::optional<std::string> leader_elect_retry_period;
  std::optional<std::string> prometheus_url;
};

// Accepts "--name value" and "--name=value" (lib/cli's rules). false and one
// `error` line ("unknown flag --foo (see --help)", "flag --log-level needs a
// value") on misuse.
bool parse_flags(const std::vector<std::string>& args, Flags& flags, std::string& error);

// The flags' part of --help: every flag parse_flags accepts, described.
std::string flags_help();

}  // namespace dynop::host
