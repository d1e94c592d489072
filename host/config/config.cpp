#include "host/config/config.hpp"

#include <optional>

#include "host/config/config_file.hpp"
#include "host/config/flags.hpp"
#include "host/config/host_port.hpp"
#include "lib/apimachinery/time.hpp"

namespace dynop::host {

std::string usage() {
  return "Usage: dynop [flags]\n\n"
         "dynop runs Kubernetes controllers for LLM inference graphs; plugins loaded\n"
         "from --plugin-dir do the work.\n\n" +
         flags_help() +
         "\nExit codes: 0 success, 1 configuration or startup error, 2 command-line usage "
         "error.\n";
}

namespace {

// The checks client-go's NewLeaderElector makes, done at startup so that a
// bad combination is a usage error naming the setting, not a crash later.
// `flag_*` tell which values came from flags; the message names a flag when
// one was involved (exit 2), else the config file's keys (exit 1).
struct LeaseTimingError {
  std::string message;
  int exit_code = 0;
};

std::optional<LeaseTimingError> check_lease_timings(const Config& config, const Flags& flags) {
  const bool lease_flag = flags.leader_elect_lease_duration.has_value();
  const bool renew_flag = flags.leader_elect_renew_deadline.has_value();
  const bool retry_flag = flags.leader_elect_retry_period.has_value();
  const std::string file = config.config_file.string();
  const std::string lease = apimachinery::go_duration_string(config.lease_duration);
  const std::string renew = apimachinery::go_duration_string(config.renew_deadline);
  const std::string retry = apimachinery::go_duration_string(config.retry_period);
  auto named = [&](bool from_flag, const char* flag, const char* key) {
    return from_flag ? std::string(flag) : file + ": leaderElection." + key;
  };
  auto error = [&](bool from_flag, std::string message) {
    return LeaseTimingError{std::move(message), from_flag ? 2 : 1};
  };
  using std::chrono::milliseconds;
  if (config.lease_duration < std::chrono::seconds(1)) {
    return error(lease_flag, named(lease_flag, "--leader-elect-lease-duration", "leaseDuration") +
                                 ": " + lease +
                                 " is shorter than 1s (a Lease counts whole seconds)");
  }
  if (config.retry_period <= milliseconds(0)) {
    return error(retry_flag, named(retry_flag, "--leader-elect-retry-period", "retryPeriod") +
                                 ": " + retry + " must be positive");
  }
  if (config.renew_deadline >= config.lease_duration) {
    if (renew_flag || !lease_flag) {
      return error(renew_flag, named(renew_flag, "--leader-elect-renew-deadline", "renewDeadline") +
                                   ": " + renew + " must be shorter than the lease duration (" +
                                   lease + ")");
    }
    return error(true, "--leader-elect-lease-duration: " + lease +
                           " must be longer than the renew deadline (" + renew + ")");
  }
  // client-go jitters retries by up to 1.2 retry periods.
  if (config.renew_deadline * 5 <= config.retry_period * 6) {
    if (retry_flag || !renew_flag) {
      return error(retry_flag, named(retry_flag, "--leader-elect-retry-period", "retryPeriod") +
                                   ": " + retry + " is too long for the renew deadline (" + renew +
                                   "); the renew deadline must exceed 1.2 times it");
    }
    return error(true, "--leader-elect-renew-deadline: " + renew +
                           " must exceed 1.2 times the retry period (" + retry + ")");
  }
  return std::nullopt;
}

}  // namespace

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
  struct DurationFlag {
    const std::optional<std::string>& value;
    const char* name;
    std::chrono::milliseconds& target;
  };
  for (const DurationFlag& flag :
       {DurationFlag{flags.leader_elect_lease_duration, "--leader-elect-lease-duration",
                     config.lease_duration},
        DurationFlag{flags.leader_elect_renew_deadline, "--leader-elect-renew-deadline",
                     config.renew_deadline},
        DurationFlag{flags.leader_elect_retry_period, "--leader-elect-retry-period",
                     config.retry_period}}) {
    if (!flag.value) continue;
    auto d = apimachinery::parse_go_duration(*flag.value);
    if (!d) return fail(std::string(flag.name) + ": " + d.error(), 2);
    flag.target = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  }
  if (flags.prometheus_url) {
    const std::string& url = *flags.prometheus_url;
    if (!url.empty() && !url.starts_with("http://") && !url.starts_with("https://")) {
      return fail("--prometheus-url: \"" + url + "\" must start with http:// or https://", 2);
    }
    config.prometheus_url = url;
  }
  if (auto timing = check_lease_timings(config, flags)) {
    return fail(timing->message, timing->exit_code);
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
