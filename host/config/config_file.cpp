#include "host/config/config_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "host/config/host_port.hpp"
#include "lib/apimachinery/time.hpp"

namespace dynop::host {

namespace {

const std::vector<std::string> kKnownKeys = {
    "logLevel",       "logFormat",  "pluginDir",        "plugins",           "pluginConfig",
    "metricsAddress", "kubeconfig", "admissionAddress", "admissionCertFile", "admissionKeyFile",
    "leaderElection", "prometheus", "autoscaling"};

const std::vector<std::string> kPrometheusKeys = {"url", "timeout"};
const std::vector<std::string> kAutoscalingKeys = {"identities", "conflictWindow",
                                                   "decisionLogSize"};

// component-base's LeaderElectionConfiguration, as kube-scheduler's and
// kube-controller-manager's config files spell it.
const std::vector<std::string> kLeaderElectionKeys = {"leaderElect",   "leaseDuration",
                                                      "renewDeadline", "retryPeriod",
                                                      "resourceName",  "resourceNamespace"};

std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

std::string where(const std::string& name, const YAML::Mark& mark) {
  if (mark.is_null()) return name;
  return name + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string known_keys() { return joined(kKnownKeys); }

class Reader {
 public:
  Reader(std::string name, std::filesystem::path base, Config& config, std::string& error)
      : name_(std::move(name)), base_(std::move(base)), config_(config), error_(error) {}

  bool read(const YAML::Node& root) {
    if (root.IsNull()) return true;  // an empty file sets nothing
    if (!root.IsMap()) return fail(root, "the config file must be a mapping of settings");
    std::set<std::string> seen;
    for (const auto& entry : root) {
      const YAML::Node& key = entry.first;
      const YAML::Node& value = entry.second;
      if (!key.IsScalar()) return fail(key, "setting names must be strings");
      std::string k = key.Scalar();
      if (!seen.insert(k).second) return fail(key, "\"" + k + "\" is set twice");
      if (!apply(k, key, value)) return false;
    }
    return true;
  }

 private:
  bool apply(const std::string& k, const YAML::Node& key, const YAML::Node& value) {
    if (k == "logLevel") {
      std::string s;
      if (!scalar(k, value, s)) return false;
      std::string e;
      auto level = log::parse_level(s, e);
      if (!level) return fail(value, k + ": " + e);
      config_.log_level = *level;
    } else if (k == "logFormat") {
      std::string s;
      if (!scalar(k, value, s)) return false;
      std::string e;
      auto format = log::parse_format(s, e);
      if (!format) return fail(value, k + ": " + e);
      config_.log_format = *format;
    } else if (k == "pluginDir") {
      std::string s;
      if (!scalar(k, value, s)) return false;
      config_.plugin_dir = resolve(s);
    } else if (k == "plugins") {
      if (value.IsNull()) {
        config_.plugins.clear();
        return true;
      }
      if (!value.IsSequence()) return fail(value, k + " must be a list of plugin names");
      config_.plugins.clear();
      for (const auto& item : value) {
        if (!item.IsScalar() || item.Scalar().empty()) {
          return fail(item, k + " must be a list of plugin names");
        }
        config_.plugins.push_back(item.Scalar());
      }
    } else if (k == "pluginConfig") {
      if (value.IsNull()) return true;
      if (!value.IsMap()) return fail(value, k + " must map plugin names to their settings");
      for (const auto& entry : value) {
        if (!entry.first.IsScalar()) return fail(entry.first, k + ": plugin names must be strings");
        std::string text;
        if (!entry.second.IsNull()) {
          YAML::Emitter out;
          out << entry.second;
          text = out.c_str();
          text += "\n";
        }
        config_.plugin_config[entry.first.Scalar()] = text;
      }
    } else if (k == "metricsAddress") {
      std::string s;
      if (!scalar(k, value, s)) return false;
      HostPort hp;
      std::string e;
      if (!parse_host_port(s, hp, e)) return fail(value, k + ": " + e);
      config_.metrics_address = s;
    } else if (k == "kubeconfig") {
      std::string s;
      if (!scalar(k, value, s)) return false;
      config_.kubeconfig = s.empty() ? s : resolve(s).string();
    } else if (k == "admissionAddress") {
      std::string s;
      if (!scalar(k, value, s)) return false;
      HostPort hp;
      std::string e;
      if (!s.empty() && !parse_host_port(s, hp, e)) return fail(value, k + ": " + e);
      config_.admission_address = s;
    } else if (k == "admissionCertFile" || k == "admissionKeyFile") {
      std::string s;
      if (!scalar(k, value, s)) return false;
      std::string& target =
          k == "admissionCertFile" ? config_.admission_cert_file : config_.admission_key_file;
      target = s.empty() ? s : resolve(s).string();
    } else if (k == "leaderElection") {
      return leader_election(value);
    } else if (k == "prometheus") {
      return prometheus(value);
    } else if (k == "autoscaling") {
      return autoscaling(value);
    } else {
      return fail(key, "unknown key \"" + k + "\" (known keys: " + known_keys() + ")");
    }
    return true;
  }

  bool leader_election(const YAML::Node& node) {
    return section("leaderElection", node, kLeaderElectionKeys,
                   [&](const std::string& k, const std::string& path, const YAML::Node& value) {
                     if (k == "leaseDuration") return duration(path, value, config_.lease_duration);
                     if (k == "renewDeadline") return duration(path, value, config_.renew_deadline);
                     if (k == "retryPeriod") return duration(path, value, config_.retry_period);
                     std::string s;
                     if (!scalar(path, value, s)) return false;
                     if (k == "leaderElect") {
                       if (s != "true" && s != "false")
                         return fail(value, path + ": \"" + s + "\" is not true or false");
                       config_.leader_elect = s == "true";
                     } else if (k == "resourceName") {
                       if (s.empty()) return fail(value, path + " must not be empty");
                       config_.leader_election_id = s;
                     } else {  // resourceNamespace
                       config_.leader_election_namespace = s;
                     }
                     return true;
                   });
  }

  // Calls `apply(key, path, value)` for each entry of a section, refusing
  // unknown and repeated keys.
  template <class F>
  bool section(const std::string& name, const YAML::Node& node,
               const std::vector<std::string>& known, F&& apply) {
    if (node.IsNull()) return true;
    if (!node.IsMap()) return fail(node, name + " must be a mapping of settings");
    std::set<std::string> seen;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) return fail(entry.first, "setting names must be strings");
      const std::string k = entry.first.Scalar();
      const std::string path = name + "." + k;
      if (!seen.insert(k).second) return fail(entry.first, "\"" + path + "\" is set twice");
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        return fail(entry.first,
                    "unknown key \"" + path + "\" (known keys: " + joined(known) + ")");
      }
      if (!apply(k, path, entry.second)) return false;
    }
    return true;
  }

  bool duration(const std::string& path, const YAML::Node& value, std::chrono::milliseconds& out) {
    std::string s;
    if (!scalar(path, value, s)) return false;
    auto d = apimachinery::parse_go_duration(s);
    if (!d) return fail(value, path + ": " + d.error());
    out = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
    return true;
  }

  bool prometheus(const YAML::Node& node) {
    return section("prometheus", node, kPrometheusKeys,
                   [&](const std::string& k, const std::string& path, const YAML::Node& value) {
                     if (k == "timeout") {
                       if (!duration(path, value, config_.prometheus_timeout)) return false;
                       if (config_.prometheus_timeout.count() <= 0)
                         return fail(value, path + " must be positive");
                       return true;
                     }
                     std::string s;
                     if (!scalar(path, value, s)) return false;
                     if (!s.empty() && !s.starts_with("http://") && !s.starts_with("https://"))
                       return fail(value,
                                   path + ": \"" + s + "\" must start with http:// or https://");
                     config_.prometheus_url = s;
                     return true;
                   });
  }

  bool autoscaling(const YAML::Node& node) {
    return section("autoscaling", node, kAutoscalingKeys,
                   [&](const std::string& k, const std::string& path, const YAML::Node& value) {
                     if (k == "conflictWindow")
                       return duration(path, value, config_.scale_conflict_window);
                     if (k == "decisionLogSize") {
                       std::string s;
                       if (!scalar(path, value, s)) return false;
                       std::size_t n = 0;
                       auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
                       if (ec != std::errc() || ptr != s.data() + s.size() || n == 0)
                         return fail(value,
                                     path + ": \"" + s + "\" is not a positive whole number");
                       config_.decision_log_size = n;
                       return true;
                     }
                     if (value.IsNull()) return true;
                     if (!value.IsMap())
                       return fail(value, path + " must map plugin names to users");
                     for (const auto& entry : value) {
                       std::string user;
                       if (!entry.first.IsScalar())
                         return fail(entry.first, path + ": plugin names must be strings");
                       if (!scalar(path + "." + entry.first.Scalar(), entry.second, user))
                         return false;
                       config_.autoscaler_identities[entry.first.Scalar()] = user;
                     }
                     return true;
                   });
  }

  bool scalar(const std::string& k, const YAML::Node& value, std::string& out) {
    if (!value.IsScalar()) return fail(value, k + " must be a string");
    out = value.Scalar();
    return true;
  }

  std::filesystem::path resolve(const std::string& s) {
    std::filesystem::path p(s);
    if (p.is_relative() && !base_.empty()) return base_ / p;
    return p;
  }

  bool fail(const YAML::Node& node, const std::string& message) {
    error_ = where(name_, node.Mark()) + ": " + message;
    return false;
  }

  std::string name_;
  std::filesystem::path base_;
  Config& config_;
  std::string& error_;
};

}  // namespace

bool parse_config_text(const std::string& text, const std::string& name,
                       const std::filesystem::path& base_dir, Config& config, std::string& error) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    error = where(name, e.mark) + ": invalid YAML: " + e.msg;
    return false;
  }
  try {
    return Reader(name, base_dir, config, error).read(root);
  } catch (const YAML::Exception& e) {
    error = where(name, e.mark) + ": " + e.msg;
    return false;
  }
}

bool read_config_file(const std::filesystem::path& file, Config& config, std::string& error) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    error = "cannot read config file " + file.string() + ": it is a directory";
    return false;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = "cannot read config file " + file.string() + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = "cannot read config file " + file.string() + ": " + std::strerror(errno);
    return false;
  }
  return parse_config_text(text.str(), file.string(), file.parent_path(), config, error);
}

}  // namespace dynop::host
