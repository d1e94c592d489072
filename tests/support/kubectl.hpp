#pragma once
// The real kubectl for end-to-end tests, pointed at one cluster only: its own
// kubeconfig and discovery cache, KUBECONFIG unset, bounded in time.
//
//   test::Kubectl kubectl(cluster.kubeconfig(), dir.path() / "kube-cache");
//   auto r = kubectl.run({"get", "pods"});         // exit code, out, err
//   kubectl.ok({"apply", "-f", "-"}, manifest);    // non-zero exit fails the test
//   auto hpa = kubectl.get_json({"hpa", "x"});     // kubectl get ... -o json

#include <boost/json/value.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace dynop::test {

inline constexpr char kKubectlPath[] = "/usr/bin/kubectl";

class Kubectl {
 public:
  Kubectl(std::string kubeconfig, std::filesystem::path cache_dir)
      : kubeconfig_(std::move(kubeconfig)), cache_dir_(std::move(cache_dir)) {}

  RunResult run(const std::vector<std::string>& args, const std::string& stdin_text = "") const;
  // Expects exit code 0 (a test failure otherwise, with both outputs); returns stdout.
  std::string ok(const std::vector<std::string>& args, const std::string& stdin_text = "") const;
  // `kubectl get <args> -o json`, parsed; null (and a test failure) when it is not JSON.
  boost::json::value get_json(std::vector<std::string> args) const;

 private:
  std::string kubeconfig_;
  std::filesystem::path cache_dir_;
};

}  // namespace dynop::test
