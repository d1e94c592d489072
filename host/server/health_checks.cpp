#include "host/server/health_checks.hpp"

namespace dynop::host {

void HealthChecks::add(std::string name, Check check) {
  std::lock_guard lock(mutex_);
  checks_.emplace_back(std::move(name), std::move(check));
}

HealthChecks::Report HealthChecks::run(const std::string& what, bool verbose) const {
  std::vector<std::pair<std::string, Check>> checks;
  {
    std::lock_guard lock(mutex_);
    checks = checks_;
  }
  Report report;
  for (const auto& [name, check] : checks) {
    std::string failure;
    try {
      failure = check();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (failure.empty()) {
      if (verbose) report.text += "[+]" + name + " ok\n";
    } else {
      report.ok = false;
      report.text += "[-]" + name + " failed: " + failure + "\n";
    }
  }
  report.text += what + (report.ok ? " check passed\n" : " check failed\n");
  return report;
}

}  // namespace dynop::host
