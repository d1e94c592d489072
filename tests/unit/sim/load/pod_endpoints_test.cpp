#include "sim/load/pod_endpoints.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "lib/net/http_client.hpp"
#include "tests/support/reference_dir.hpp"

namespace dynop::sim {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string value;
};

// A small parser of Prometheus text: what a scraper sees.
std::vector<Sample> parse(const std::string& text, std::map<std::string, std::string>& types) {
  std::vector<Sample> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      types[name] = type;
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    const auto brace = line.find('{');
    const auto space = line.rfind(' ');
    if (brace != std::string::npos) {
      s.name = line.substr(0, brace);
      const auto close = line.find('}', brace);
      std::string labels = line.substr(brace + 1, close - brace - 1);
      std::size_t pos = 0;
      while (pos < labels.size()) {
        const auto eq = labels.find('=', pos);
        const auto end = labels.find('"', eq + 2);
        s.labels[labels.substr(pos, eq - pos)] = labels.substr(eq + 2, end - eq - 2);
        pos = end + 2;
      }
    } else {
      s.name = line.substr(0, space);
    }
    s.value = line.substr(space + 1);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> les(const std::vector<Sample>& samples, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& s : samples) {
    if (s.name == name + "_bucket") out.push_back(s.labels.at("le"));
  }
  return out;
}

class PodEndpointsTest : public ::testing::Test {
 protected:
  PodEndpointsTest() : clock_(1.0) {
    auto profile = profiling::load_engine_profile(
        test::reference_dir() + "/bench-data/profiles/dynamo_h200_llama31_8b_fp8_vllm.json");
    EXPECT_TRUE(profile.ok());
    GraphConfig g;
    g.namespace_ = "default";
    g.dgd = "sglang-agg";
    g.model = "Qwen/Qwen3-0.6B";
    g.profile = std::make_shared<const profiling::EngineProfile>(*profile);
    auto trace = std::make_shared<Trace>();
    trace->records = {{0, 1200, 20}, {0.5, 800, 30}};
    g.load = LoadSpec{};
    g.load->is_trace = true;
    g.load->start_seconds = 0.5;
    g.load->replay.trace = trace;
    LoadConfig c;
    c.graphs.push_back(g);
    load_ = std::make_unique<LoadSimulator>(clock_, std::move(c));
    load_->add_pod({"default", "fe", "sglang-agg", Role::kFrontend, "Frontend"});
    load_->add_pod({"default", "dec", "sglang-agg", Role::kWorker, "decode"});
    load_->set_ready("default", "fe", true);
    load_->set_ready("default", "dec", true);
    clock_.set(SimTime(sim_seconds(30)));
    load_->advance();
    endpoints_ = std::make_unique<PodEndpoints>(*load_);
    std::string error;
    client_ = net::HttpClient::create({}, error);
  }

  std::string get(const std::string& url, unsigned* status = nullptr) {
    net::ClientRequest r;
    r.method = "GET";
    r.url = url;
    auto res = client_->request(r);
    EXPECT_TRUE(res.ok()) << res.error;
    if (!res.ok()) return "";
    if (status) *status = res.response->status;
    return res.response->body;
  }

  ManualClock clock_;
  std::unique_ptr<LoadSimulator> load_;
  std::unique_ptr<PodEndpoints> endpoints_;
  std::unique_ptr<net::HttpClient> client_;
};

// A scrape of a frontend pod's address: upstream's names, labels and buckets.
TEST_F(PodEndpointsTest, FrontendMetricsAsUpstreamOverHttp) {
  auto started = endpoints_->start("default", "fe", "127.0.9.1", {{"http", 0}});
  // Port 0 is not a real pod port, but shows the address is the pod's own.
  ASSERT_TRUE(started.ok()) << started.error();
  ASSERT_TRUE(endpoints_->start("default", "fe", "127.0.9.1", {{"http", 18000}}).ok());
  std::map<std::string, std::string> types;
  auto samples = parse(get("http://127.0.9.1:18000/metrics"), types);
  EXPECT_EQ(types["dynamo_frontend_requests_total"], "counter");
  EXPECT_EQ(types["dynamo_frontend_time_to_first_token_seconds"], "histogram");
  EXPECT_EQ(types["dynamo_frontend_inflight_requests"], "gauge");
  EXPECT_EQ(types["dynamo_frontend_queued_requests"], "gauge");
  EXPECT_EQ(types["dynamo_frontend_output_tokens_total"], "counter");
  EXPECT_EQ(les(samples, "dynamo_frontend_time_to_first_token_seconds"),
            (std::vector<std::string>{"0", "0.0022", "0.0047", "0.01", "0.022", "0.047", "0.1",
                                      "0.22", "0.47", "1", "2.2", "4.7", "10", "22", "48", "100",
                                      "220", "480", "+Inf"}));
  EXPECT_EQ(les(samples, "dynamo_frontend_inter_token_latency_seconds"),
            (std::vector<std::string>{"0", "0.0019", "0.0035", "0.0067", "0.013", "0.024", "0.045",
                                      "0.084", "0.16", "0.3", "0.56", "1.1", "2", "+Inf"}));
  bool found_success = false;
  for (const auto& s : samples) {
    if (s.name.rfind("dynamo_frontend_", 0) != 0) continue;
    EXPECT_EQ(s.labels.at("model"), "Qwen/Qwen3-0.6B") << s.name;
    EXPECT_EQ(s.labels.at("dynamo_namespace"), "default-sglang-agg") << s.name;
    if (s.name == "dynamo_frontend_requests_total" && s.labels.at("status") == "success") {
      found_success = true;
      EXPECT_EQ(s.labels.at("endpoint"), "chat_completions");
      EXPECT_EQ(s.labels.at("request_type"), "stream");
      EXPECT_EQ(s.value, "2");
    }
    if (s.name == "dynamo_frontend_time_to_first_token_seconds_count") {
      EXPECT_EQ(s.value, "2");
    }
    if (s.name == "dynamo_frontend_output_tokens_total") {
      EXPECT_EQ(s.value, "50");
    }
  }
  EXPECT_TRUE(found_success);
  unsigned status = 0;
  EXPECT_EQ(get("http://127.0.9.1:18000/health", &status), R"({"status":"healthy"})");
  EXPECT_EQ(status, 200u);
}

TEST_F(PodEndpointsTest, WorkerKvCacheGaugeAndHealth) {
  ASSERT_TRUE(endpoints_->start("default", "dec", "127.0.9.2", {{"system", 19090}}).ok());
  std::map<std::string, std::string> types;
  auto samples = parse(get("http://127.0.9.2:19090/metrics"), types);
  EXPECT_EQ(types["dynamo_component_gpu_cache_usage_percent"], "gauge");
  bool found = false;
  for (const auto& s : samples) {
    if (s.name != "dynamo_component_gpu_cache_usage_percent") continue;
    found = true;
    EXPECT_EQ(s.labels,
              (std::map<std::string, std::string>{{"model", "Qwen/Qwen3-0.6B"},
                                                  {"dynamo_namespace", "default-sglang-agg"},
                                                  {"dynamo_component", "decode"},
                                                  {"dp_rank", "0"}}));
    EXPECT_EQ(s.value, "0");  // both requests are done
  }
  EXPECT_TRUE(found);
  load_->set_ready("default", "dec", false);
  unsigned status = 0;
  EXPECT_EQ(get("http://127.0.9.2:19090/health", &status), R"({"status":"notready"})");
  EXPECT_EQ(status, 503u);
}

TEST_F(PodEndpointsTest, APortInUseIsAnErrorAndNothingStaysListening) {
  ASSERT_TRUE(endpoints_->start("default", "fe", "127.0.9.3", {{"http", 18001}}).ok());
  auto second = endpoints_->start("default", "dec", "127.0.9.4", {{"system", 19091}});
  ASSERT_TRUE(second.ok());
  auto clash = endpoints_->start("default", "dec", "127.0.9.3", {{"system", 18001}});
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(
      clash.error(),
      "pod default/dec port system: cannot listen on 127.0.9.3:18001: Address already in use");
  EXPECT_EQ(endpoints_->pods(), 1u);
  endpoints_->stop("default", "fe");
  EXPECT_EQ(endpoints_->pods(), 0u);
  net::ClientRequest r;
  r.method = "GET";
  r.url = "http://127.0.9.3:18001/metrics";
  EXPECT_FALSE(client_->request(r).ok());
}

}  // namespace
}  // namespace dynop::sim
