#include "host/config/flags.hpp"

#include <functional>
#include <map>
#include <sstream>

namespace dynop::host {

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

}  // namespace

bool parse_flags(const std::vector<std::string>& args, Flags& flags, std::string& error) {
  using Setter = std::function<void(const std::string&)>;
  const std::map<std::string, Setter> with_value = {
      {"--config", [&](const std::string& v) { flags.config_file = v; }},
      {"--log-level", [&](const std::string& v) { flags.log_level = v; }},
      {"--log-format", [&](const std::string& v) { flags.log_format = v; }},
      {"--plugin-dir", [&](const std::string& v) { flags.plugin_dir = v; }},
      {"--plugins",
       [&](const std::string& v) {
         if (!flags.plugins) flags.plugins.emplace();
         for (auto& name : split_list(v)) flags.plugins->push_back(std::move(name));
       }},
      {"--metrics-address", [&](const std::string& v) { flags.metrics_address = v; }},
      {"--kubeconfig", [&](const std::string& v) { flags.kubeconfig = v; }},
      {"--admission-address", [&](const std::string& v) { flags.admission_address = v; }},
      {"--admission-cert-file", [&](const std::string& v) { flags.admission_cert_file = v; }},
      {"--admission-key-file", [&](const std::string& v) { flags.admission_key_file = v; }},
      {"--leader-elect", [&](const std::string& v) { flags.leader_elect = v; }},
      {"--leader-election-id", [&](const std::string& v) { flags.leader_election_id = v; }},
      {"--leader-election-namespace",
       [&](const std::string& v) { flags.leader_election_namespace = v; }},
      {"--leader-elect-lease-duration",
       [&](const std::string& v) { flags.leader_elect_lease_duration = v; }},
      {"--leader-elect-renew-deadline",
       [&](const std::string& v) { flags.leader_elect_renew_deadline = v; }},
      {"--leader-elect-retry-period",
       [&](const std::string& v) { flags.leader_elect_retry_period = v; }},
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      flags.help = true;
      continue;
    }
    if (arg == "--version") {
      flags.version = true;
      continue;
    }
    std::string name = arg;
    std::optional<std::string> value;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    auto it = with_value.find(name);
    if (it == with_value.end()) {
      if (!arg.starts_with("-")) {
        error = "unexpected argument \"" + arg + "\" (dynop takes only flags; see --help)";
      } else {
        error = "unknown flag " + name + " (see --help)";
      }
      return false;
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        error = "flag " + name + " needs a value";
        return false;
      }
      value = args[++i];
    }
    it->second(*value);
  }
  return true;
}

}  // namespace dynop::host
