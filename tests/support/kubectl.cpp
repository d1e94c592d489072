#include "tests/support/kubectl.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>

namespace dynop::test {

RunResult Kubectl::run(const std::vector<std::string>& args, const std::string& stdin_text) const {
  std::vector<std::string> full = {"--kubeconfig", kubeconfig_, "--cache-dir", cache_dir_.string()};
  full.insert(full.end(), args.begin(), args.end());
  SpawnOptions options;
  options.stdin_text = stdin_text;
  options.unset_env = {"KUBECONFIG"};
  return test::run(kKubectlPath, full, std::chrono::seconds(120), options);
}

std::string Kubectl::ok(const std::vector<std::string>& args, const std::string& stdin_text) const {
  RunResult r = run(args, stdin_text);
  std::string line;
  for (const auto& a : args) line += " " + a;
  EXPECT_EQ(r.exit_code, 0) << "kubectl" << line << "\nstdout: " << r.out << "\nstderr: " << r.err
                            << r.spawn_error;
  return r.out;
}

boost::json::value Kubectl::get_json(std::vector<std::string> args) const {
  args.insert(args.begin(), "get");
  args.insert(args.end(), {"-o", "json"});
  const std::string out = ok(args);
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  EXPECT_FALSE(ec) << out;
  return ec ? boost::json::value() : v;
}

}  // namespace dynop::test
