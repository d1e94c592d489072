#include "lib/kube/client/kubeconfig.hpp"

#include <gtest/gtest.h>

#include <map>

#include "tests/support/temp_dir.hpp"

namespace dynop::kube {
namespace {
namespace fs = std::filesystem;

class Kubeconfig : public ::testing::Test {
 protected:
  void write(const std::string& name, const std::string& text) { temp_.write(name, text); }
  test::TempDir temp_{"dynop-kubeconfig"};
  const fs::path& dir_ = temp_.path();
};

// base64("CA-PEM"), base64("CERT"), base64("KEY")
constexpr const char* kTwoContexts = R"(apiVersion: v1
kind: Config
current-context: local
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: Q0EtUEVN
- name: remote
  cluster:
    server: https://remote.example:443
    insecure-skip-tls-verify: true
contexts:
- name: local
  context: {cluster: local, user: admin, namespace: dynamo}
- name: remote
  context: {cluster: remote, user: robot}
users:
- name: admin
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
- name: robot
  user:
    token: abc.def
)";

TEST_F(Kubeconfig, UsesTheCurrentContext) {
  auto config = parse_kubeconfig(kTwoContexts, dir_);
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->server, "https://127.0.0.1:6443");
  EXPECT_EQ(config->certificate_authority_pem, "CA-PEM");
  EXPECT_EQ(config->client_certificate_pem, "CERT");
  EXPECT_EQ(config->client_key_pem, "KEY");
  EXPECT_FALSE(config->insecure_skip_tls_verify);
  EXPECT_EQ(config->default_namespace, "dynamo");
  EXPECT_TRUE(config->bearer_token.empty());
}

TEST_F(Kubeconfig, AnExplicitContextWins) {
  auto config = parse_kubeconfig(kTwoContexts, dir_, "remote");
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->server, "https://remote.example:443");
  EXPECT_EQ(config->bearer_token, "abc.def");
  EXPECT_TRUE(config->insecure_skip_tls_verify);
  EXPECT_EQ(config->default_namespace, "default");
}

TEST_F(Kubeconfig, FilesResolveAgainstTheKubeconfigFolder) {
  write("ca.crt", "FILE-CA");
  write("admin.crt", "FILE-CERT");
  write("admin.key", "FILE-KEY");
  write("config", R"(current-context: c
clusters: [{name: k, cluster: {server: "https://h:1", certificate-authority: ca.crt}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {client-certificate: admin.crt, client-key: admin.key, tokenFile: tok}}]
)");
  auto config = load_kubeconfig(dir_ / "config");
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->certificate_authority_pem, "FILE-CA");
  EXPECT_EQ(config->client_certificate_pem, "FILE-CERT");
  EXPECT_EQ(config->client_key_pem, "FILE-KEY");
  EXPECT_EQ(config->token_file, dir_ / "tok");
}

TEST_F(Kubeconfig, ErrorsSayWhatIsMissing) {
  auto missing_context = parse_kubeconfig(kTwoContexts, dir_, "nope");
  ASSERT_FALSE(missing_context);
  EXPECT_EQ(missing_context.error().message, "context \"nope\" not found in kubeconfig");
  auto no_file = load_kubeconfig(dir_ / "absent");
  ASSERT_FALSE(no_file);
  EXPECT_EQ(no_file.error().message, "cannot read kubeconfig " + (dir_ / "absent").string());
  auto bad_yaml = parse_kubeconfig("current-context: [", dir_);
  ASSERT_FALSE(bad_yaml);
  EXPECT_NE(bad_yaml.error().message.find("not valid YAML"), std::string::npos);
  write("config", R"(current-context: c
clusters: [{name: k, cluster: {server: "https://h:1", certificate-authority: missing.crt}}]
contexts: [{name: c, context: {cluster: k}}]
)");
  auto bad_ca = load_kubeconfig(dir_ / "config");
  ASSERT_FALSE(bad_ca);
  EXPECT_NE(bad_ca.error().message.find("cannot read certificate-authority"), std::string::npos)
      << bad_ca.error().message;
}

// What make run writes for the host: the admin token, acting as the
// operator's service account (client-go's field names).
constexpr const char* kOperator = R"(current-context: c
clusters: [{name: k, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: c, context: {cluster: k, user: operator}}]
users:
- name: operator
  user:
    token: admin-token
    as: system:serviceaccount:dynop-system:dynop
    as-uid: 6f1c
    as-groups: [system:serviceaccounts, "system:serviceaccounts:dynop-system"]
    as-user-extra:
      acme.com/project: [inference, batch]
      scopes: [openid]
)";

TEST_F(Kubeconfig, ImpersonationFields) {
  auto config = parse_kubeconfig(kOperator, dir_);
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->bearer_token, "admin-token");
  EXPECT_EQ(config->impersonate.user, "system:serviceaccount:dynop-system:dynop");
  EXPECT_EQ(config->impersonate.uid, "6f1c");
  EXPECT_EQ(
      config->impersonate.groups,
      (std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:dynop-system"}));
  EXPECT_EQ(config->impersonate.extra,
            (std::map<std::string, std::vector<std::string>>{
                {"acme.com/project", {"inference", "batch"}}, {"scopes", {"openid"}}}));
}

TEST_F(Kubeconfig, NoImpersonationUnlessAsked) {
  auto config = parse_kubeconfig(kTwoContexts, dir_, "remote");
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_TRUE(config->impersonate.user.empty());
  EXPECT_TRUE(config->impersonate.groups.empty());
  EXPECT_TRUE(config->impersonate.extra.empty());
}

TEST_F(Kubeconfig, ImpersonationErrorsNameTheField) {
  auto with_user = [](const std::string& user) {
    return "current-context: c\n"
           "clusters: [{name: k, cluster: {server: \"https://h:1\"}}]\n"
           "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
           "users: [{name: u, user: " +
           user + "}]\n";
  };
  auto groups_only = parse_kubeconfig(with_user("{token: t, as-groups: [g]}"), dir_);
  ASSERT_FALSE(groups_only);
  EXPECT_EQ(groups_only.error().message,
            "user \"u\": as-groups, as-uid and as-user-extra need as (the user to act as)");
  auto scalar_groups = parse_kubeconfig(with_user("{token: t, as: me, as-groups: g}"), dir_);
  ASSERT_FALSE(scalar_groups);
  EXPECT_EQ(scalar_groups.error().message, "user \"u\": as-groups must be a list of group names");
  auto scalar_extra =
      parse_kubeconfig(with_user("{token: t, as: me, as-user-extra: {k: v}}"), dir_);
  ASSERT_FALSE(scalar_extra);
  EXPECT_EQ(scalar_extra.error().message,
            "user \"u\": as-user-extra \"k\" must be a list of values");
  auto list_extra = parse_kubeconfig(with_user("{token: t, as: me, as-user-extra: [k]}"), dir_);
  ASSERT_FALSE(list_extra);
  EXPECT_EQ(list_extra.error().message,
            "user \"u\": as-user-extra must map keys to lists of values");
}

TEST_F(Kubeconfig, InClusterServiceAccount) {
  write("token", "sa-token");
  write("ca.crt", "SA-CA");
  write("namespace", "dynamo-system\n");
  std::map<std::string, std::string> env{{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                         {"KUBERNETES_SERVICE_PORT", "443"}};
  auto getenv = [&](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto config = load_in_cluster_config(getenv, dir_);
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->token_file, dir_ / "token");
  EXPECT_EQ(config->certificate_authority_pem, "SA-CA");
  EXPECT_EQ(config->default_namespace, "dynamo-system");
  env.erase("KUBERNETES_SERVICE_HOST");
  EXPECT_FALSE(load_in_cluster_config(getenv, dir_));
}

}  // namespace
}  // namespace dynop::kube
