#include "host/config/config.hpp"

#include "host/config/config_file.hpp"
#include "host/config/flags.hpp"
#include "host/config/host_port.hpp"

namespace dynop::host {

std::string usage() {
  return R"(Usage: dynop [flags]

dynop runs Kubernetes controllers for LLM inference graphs; plugins loaded
from --plugin-dir do the work.

Flags (flags override the config file):
  --config FILE            YAML config file (keys: logLevel, logFormat, pluginDir,
                           plugins, pluginConfig, metricsAddress, kubeconfig,
                           admissionAddress, admissionCertFile, admissionKeyFile)
  --log-level LEVEL        trace, debug, info, warn, error or off (default info)
  --log-format FORMAT      text or json (default text)
  --plugin-dir DIR         folder of plugin shared libraries (default /usr/lib/dynop/plugins)
  --plugins A,B            plugins to load (default: every plugin in the folder)
  --metrics-address ADDR   host:port for /metrics, /healthz, /readyz (default 0.0.0.0:8080)
  --kubeconfig FILE        kubeconfig to use (default $KUBECONFIG, then in-cluster)
  --admission-address ADDR host:port for the HTTPS admission webhooks (e.g. :9443;
                           default: not served)
  --admission-cert-file F  PEM certificate chain for the admission webhooks
  --admission-key-file F   PEM private key for the admission webhooks (both files
                           are reloaded when they change)
  --leader-elect BOOL      true or false: run controllers only on the Lease holder
                           (default true when connected to Kubernetes)
  --leader-election-id N   name of the Lease (default dynop-leader)
  --leader-election-namespace NS
                           namespace of the Lease (default the pod's, else dynop-system)
  --version                print the version and exit
  -h, --help               print this help and exit

Exit codes: 0 success, 1 configuration or startup error, 2 command-line usage error.
)";
}

Startup load_startup(const std::vector<std::string>& args) {
  Startup out;
  Flags flags;
  std::string error;
  auto fail = [&](std::string message, int code) {
    out.action = Startup::Action::kError;
    out.error = std::move(message);
    out.exit_code = code;
    return out;
  };
  if (!parse_flags(args, flags, error)) return fail(error, 2);
  if (flags.help) {
    out.action = Startup::Action::kHelp;
    return out;
  }
  if (flags.version) {
    out.action = Startup::Action::kVersion;
    return out;
  }

  Config& config = out.config;
  if (flags.config_file) {
    config.config_file = *flags.config_file;
    if (!read_config_file(config.config_file, config, error)) return fail(error, 1);
  }

  if (flags.log_level) {
    auto level = log::parse_level(*flags.log_level, error);
    if (!level) return fail("--log-level: " + error, 2);
    config.log_level = *level;
  }
  if (flags.log_format) {
    auto format = log::parse_format(*flags.log_format, error);
    if (!format) return fail("--log-format: " + error, 2);
    config.log_format = *format;
  }
  if (flags.plugin_dir) config.plugin_dir = *flags.plugin_dir;
  if (flags.plugins) config.plugins = *flags.plugins;
  if (flags.metrics_address) {
    HostPort hp;
    if (!parse_host_port(*flags.metrics_address, hp, error)) {
      return fail("--metrics-address: " + error, 2);
    }
    config.metrics_address = *flags.metrics_address;
  }
  if (flags.kubeconfig) config.kubeconfig = *flags.kubeconfig;
  if (flags.admission_address) {
    HostPort hp;
    if (!flags.admission_address->empty() &&
        !parse_host_port(*flags.admission_address, hp, error)) {
      return fail("--admission-address: " + error, 2);
    }
    config.admission_address = *flags.admission_address;
  }
  if (flags.admission_cert_file) config.admission_cert_file = *flags.admission_cert_file;
  if (flags.admission_key_file) config.admission_key_file = *flags.admission_key_file;
  if (flags.leader_elect) {
    if (*flags.leader_elect == "true") {
      config.leader_elect = true;
    } else if (*flags.leader_elect == "false") {
      config.leader_elect = false;
    } else {
      return fail("--leader-elect: \"" + *flags.leader_elect + "\" is not true or false", 2);
    }
  }
  if (flags.leader_election_id) config.leader_election_id = *flags.leader_election_id;
  if (flags.leader_election_namespace) {
    config.leader_election_namespace = *flags.leader_election_namespace;
  }
  if (!config.admission_address.empty() &&
      (config.admission_cert_file.empty() || config.admission_key_file.empty())) {
    const bool from_flags =
        flags.admission_address || flags.admission_cert_file || flags.admission_key_file;
    return fail(
        "the admission webhooks (--admission-address / admissionAddress) need a certificate "
        "and a key: set --admission-cert-file and --admission-key-file (or admissionCertFile "
        "and admissionKeyFile)",
        from_flags ? 2 : 1);
  }
  return out;
}

}  // namespace dynop::host
