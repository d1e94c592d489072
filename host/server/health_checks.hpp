#pragma once
// Named health checks, as kube-apiserver's /healthz and /readyz report them:
// "[+]plugins ok" / "[-]informers failed: reason withheld". A part of the
// host registers a check once and the endpoint asks all of them per probe.

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace dynop::host {

class HealthChecks {
 public:
  // Returns "" when healthy, else a short reason. Called on a server thread
  // per probe: keep it cheap and non-blocking.
  using Check = std::function<std::string()>;

  void add(std::string name, Check check);

  struct Report {
    bool ok = true;
    std::string text;  // one line per check, then "<what> check passed|failed"
  };
  // `verbose` lists every check; otherwise only failures are listed.
  Report run(const std::string& what, bool verbose) const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, Check>> checks_;
};

}  // namespace dynop::host
