#include "bench/dgd/bench_cluster.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <regex>

#include "lib/apimachinery/base64.hpp"
#include "lib/apimachinery/json_decode.hpp"
#include "lib/kube/cache/object_decoder.hpp"
#include "lib/net/certificates.hpp"
#include "tests/support/paths.hpp"

namespace dynop::bench {

namespace json = boost::json;
using namespace std::chrono_literals;

BenchCluster::BenchCluster(const BenchClusterOptions& options) {
  test::LocalCluster::Options cluster_options;
  cluster_options.in_memory = options.in_memory;
  cluster_ = std::make_unique<test::LocalCluster>(cluster_options);
  if (!cluster_->ok()) {
    error_ = "dynop-localcluster: " + cluster_->error();
    return;
  }
  if (auto failed = kubectl({"apply", "-f", test::source_path("crds")}); !failed.empty()) {
    error_ = "kubectl apply -f crds: " + failed;
    return;
  }
  if (auto failed =
          kubectl({"wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"});
      !failed.empty()) {
    error_ = "kubectl wait crd: " + failed;
    return;
  }
  // The Lease's namespace, as `make run` creates it, and the bench's.
  std::vector<std::string> namespaces = {"dynop-system"};
  namespaces.insert(namespaces.end(), options.namespaces.begin(), options.namespaces.end());
  for (const std::string& ns : namespaces) {
    if (auto failed = kubectl({"create", "namespace", ns}); !failed.empty()) {
      error_ = "kubectl create namespace " + ns + ": " + failed;
      return;
    }
  }
  std::string kubeconfig = cluster_->kubeconfig();
  std::string plugins = options.plugins;
  std::vector<std::string> webhook_args;
  if (options.admission_webhook) {
    if (auto failed = prepare_webhook(kubeconfig, webhook_args); !failed.empty()) {
      error_ = failed;
      return;
    }
    plugins += ",webhook";
  }
  std::vector<std::string> args = {
      "--kubeconfig", kubeconfig, "--plugin-dir",      test::binary_path("plugins"),
      "--plugins",    plugins,    "--metrics-address", "127.0.0.1:0"};
  args.insert(args.end(), webhook_args.begin(), webhook_args.end());
  args.insert(args.end(), options.host_args.begin(), options.host_args.end());
  host_args_ = std::move(args);
  admission_webhook_ = options.admission_webhook;
  if (!options.defer_host) error_ = start_host();
}

std::string BenchCluster::start_host() {
  host_ = std::make_unique<test::RunningHost>(host_args_);
  if (!host_->ready()) return "dynop did not become ready:\n" + host_->log();
  return admission_webhook_ ? register_webhook() : "";
}

std::string BenchCluster::prepare_webhook(std::string& kubeconfig,
                                          std::vector<std::string>& host_args) {
  // A CA and a serving certificate for 127.0.0.1 (packaging/webhook/local-cert.sh's job).
  net::CertificateRequest ca_request;
  ca_request.common_name = "dynop-bench-webhook-ca";
  ca_request.is_ca = true;
  std::string error;
  auto ca = net::issue_certificate(ca_request, nullptr, error);
  if (!ca) return "webhook CA: " + error;
  net::CertificateRequest serving_request;
  serving_request.common_name = "dynop-webhook";
  serving_request.ip_addresses = {"127.0.0.1"};
  auto serving = net::issue_certificate(serving_request, &*ca, error);
  if (!serving) return "webhook certificate: " + error;
  ca_pem_ = ca->cert_pem;
  const std::string cert = files_.write("tls.crt", serving->cert_pem);
  const std::string key = files_.write("tls.key", serving->key_pem);

  // The operator's identity: the admin's kubeconfig acting as its service account.
  const std::string operator_kubeconfig = (files_.path() / "operator.kubeconfig").string();
  test::RunResult view = test::run(
      "/usr/bin/kubectl",
      {"--kubeconfig", cluster_->kubeconfig(), "config", "view", "--raw", "--minify", "--flatten"},
      60s);
  if (view.exit_code != 0) return "kubectl config view: " + view.err;
  files_.write("operator.kubeconfig", view.out);
  test::RunResult user = test::run(
      "/usr/bin/kubectl",
      {"--kubeconfig", operator_kubeconfig, "config", "view", "-o", "jsonpath={.users[0].name}"},
      60s);
  test::RunResult act_as =
      test::run("/usr/bin/kubectl",
                {"--kubeconfig", operator_kubeconfig, "config", "set",
                 "users." + user.out + ".act-as", "system:serviceaccount:dynop-system:dynop"},
                60s);
  if (user.exit_code != 0 || act_as.exit_code != 0) {
    return "operator kubeconfig: " + user.err + act_as.err;
  }
  kubeconfig = operator_kubeconfig;
  host_args.insert(host_args.end(), {"--admission-address", "127.0.0.1:0", "--admission-cert-file",
                                     cert, "--admission-key-file", key});
  return "";
}

std::string BenchCluster::register_webhook() {
  const auto address = host_->process().wait_for_match(
      std::regex(R"(serving admission webhooks on https://(\S+) )"), 30s);
  if (!address) return "dynop did not serve admission webhooks:\n" + host_->log();
  // webhook.yaml's ValidatingWebhookConfiguration, each service reference
  // turned into this host's URL with our CA, as run-local.sh does.
  for (YAML::Node document :
       YAML::LoadAllFromFile(test::source_path("packaging/webhook/webhook.yaml"))) {
    if (document["kind"].as<std::string>("") != "ValidatingWebhookConfiguration") continue;
    for (YAML::Node webhook : document["webhooks"]) {
      YAML::Node client;
      client["url"] =
          "https://" + *address + webhook["clientConfig"]["service"]["path"].as<std::string>();
      client["caBundle"] = apimachinery::base64_encode(ca_pem_);
      webhook["clientConfig"] = client;
    }
    YAML::Emitter out;
    out << document;
    const std::string file = files_.write("webhook-configuration.yaml", out.c_str());
    if (auto failed = kubectl({"apply", "-f", file}); !failed.empty()) {
      return "kubectl apply webhook configuration: " + failed;
    }
    return "";
  }
  return "no ValidatingWebhookConfiguration in packaging/webhook/webhook.yaml";
}

BenchCluster::~BenchCluster() {
  if (host_ && host_->started()) host_->stop();
}

std::string BenchCluster::kubectl(std::vector<std::string> args) {
  args.insert(args.begin(), {"--kubeconfig", cluster_->kubeconfig()});
  test::RunResult r = test::run("/usr/bin/kubectl", args, 120s);
  if (r.exit_code == 0) return "";
  return r.spawn_error + r.err + r.out + (r.err.empty() && r.out.empty() ? "failed" : "");
}

WatchFeed::WatchFeed(test::LocalCluster& cluster, const std::string& collection, Handler handler)
    : handler_(std::move(handler)) {
  test::ApiResponse list = cluster.get(collection);
  json::value doc = list.json();
  if (list.status != 200 || !doc.is_object()) {
    error_ = "GET " + collection + ": " + std::to_string(list.status) + " " + list.body;
    return;
  }
  for (const json::value& item : test::items(list)) {
    if (item.is_object()) handler_("ADDED", item.get_object());
  }
  const std::string version = test::field_text(doc, {"metadata", "resourceVersion"});
  const char separator = collection.find('?') == std::string::npos ? '?' : '&';
  watch_ = cluster.watch(collection + separator + "watch=1&allowWatchBookmarks=true" +
                         "&timeoutSeconds=3600&resourceVersion=" + version);
  if (!watch_.ok() || watch_.head.status != 200 || !watch_.stream) {
    error_ = "watch " + collection + ": " + watch_.error + " " + watch_.head.body;
    return;
  }
  reader_ = std::thread([this, collection] {
    // The host's own watch decoder (lib/kube/cache), then a document for the handler.
    kube::ObjectDecoder decoder(nullptr, "", "");
    std::string line;
    while (watch_.stream->next_line(line)) {
      auto event = decoder.decode_event(line);
      if (!event || !event->object) continue;  // BOOKMARK, ERROR, unreadable
      auto object = apimachinery::decode_json(event->object->json());
      if (!object || !object->is_object()) continue;
      handler_(kube::to_string(event->type), object->get_object());
    }
    ended_ = watch_.stream->error() != "cancelled";
    if (ended_)
      std::fprintf(stderr, "watch %s ended: %s\n", collection.c_str(),
                   watch_.stream->error().c_str());
  });
}

WatchFeed::~WatchFeed() {
  if (watch_.stream) watch_.stream->cancel();
  if (reader_.joinable()) reader_.join();
}

namespace {

json::object graph_manifest(const std::string& name, const std::string& ns) {
  auto worker = [&](const char* sub_type) {
    json::object service{{"dynamoNamespace", name},
                         {"componentType", "worker"},
                         {"replicas", 1},
                         {"resources", json::object{{"limits", json::object{{"gpu", "1"}}}}}};
    if (sub_type != nullptr) service["subComponentType"] = sub_type;
    return service;
  };
  json::object frontend{{"dynamoNamespace", name}, {"componentType", "frontend"}, {"replicas", 1}};
  return json::object{
      {"apiVersion", "nvidia.com/v1alpha1"},
      {"kind", "DynamoGraphDeployment"},
      {"metadata", json::object{{"name", name}, {"namespace", ns}}},
      {"spec", json::object{{"services", json::object{{"Frontend", std::move(frontend)},
                                                      {"decode", worker(nullptr)},
                                                      {"prefill", worker("prefill")}}}}}};
}

}  // namespace

std::string create_graphs(test::LocalCluster& cluster, const std::string& ns, int count) {
  const std::string path = "/apis/nvidia.com/v1alpha1/namespaces/" + ns + "/dynamographdeployments";
  std::atomic<int> next{0};
  std::mutex mutex;
  std::string first_failure;
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&] {
      for (int i = next++; i < count; i = next++) {
        char name[32];
        std::snprintf(name, sizeof name, "graph-%04d", i);
        auto r = cluster.post(path, graph_manifest(name, ns));
        std::lock_guard guard(mutex);
        if (r.status != 201 && first_failure.empty())
          first_failure =
              "create " + std::string(name) + ": " + std::to_string(r.status) + " " + r.body;
      }
    });
  }
  for (auto& t : writers) t.join();
  return first_failure;
}

std::string name_of(const json::object& object) {
  const json::value* meta = object.if_contains("metadata");
  if (meta == nullptr || !meta->is_object()) return {};
  const json::value* name = meta->get_object().if_contains("name");
  return name != nullptr && name->is_string() ? std::string(name->get_string()) : std::string();
}

bool deleting(const json::object& object) {
  const json::value* meta = object.if_contains("metadata");
  if (meta == nullptr || !meta->is_object()) return false;
  const json::value* at = meta->get_object().if_contains("deletionTimestamp");
  return at != nullptr && !at->is_null();
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

}  // namespace dynop::bench
