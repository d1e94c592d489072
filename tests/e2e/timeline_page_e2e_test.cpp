// The scaling timeline page (/ui/ on the host's ops port) in a real browser:
// Debian's headless Chromium loads the URL `make run` prints, against make
// run's own setup (packaging/run-local.sh: the cluster, dynop-sim sending load
// to the guide's sglang-agg example, the host, and a real Prometheus scraping
// both), and the test reads the DOM Chromium rendered (--dump-dom): the
// charts have data points, the SLA target lines are drawn, and a
// `kubectl scale` of the decode adapter appears as a decision row and a
// marker on the decode replicas chart.
// Skipped (with the reason) when /usr/bin/chromium or make run's parts are missing.

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/run_local_setup.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::e2e {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

// make run's graph under a steady load from the start, in real time (Prometheus
// scrapes every 5 s of wall-clock time).
std::string load_file() {
  return R"(speedup: 1
graphs:
- namespace: default
  dgd: sglang-agg
  model: Qwen/Qwen3-0.6B
  profile: )" +
         test::source_path("sim/profiles/engines/dynamo_h200_llama31_8b_fp8_vllm.json") +
         R"(
  load:
    constant: {rate: 4}
    input_tokens: 1000
    output_tokens: 50
)";
}

// The number in `attribute="N"` of the first element matching `element_regex`
// (an element's opening tag up to that attribute); -1 when there is none.
long attribute_number(const std::string& dom, const std::string& element_regex,
                      const std::string& attribute) {
  std::smatch m;
  if (!std::regex_search(dom, m, std::regex(element_regex + "[^>]*" + attribute + "=\"([0-9]+)\"")))
    return -1;
  return std::stol(m[1].str());
}

class TimelinePage : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kChromium)) {
      GTEST_SKIP() << kChromium << " is not installed (apt-get install chromium; "
                   << "packaging/install-deps.sh installs it)";
    }
    if (auto missing = test::RunLocalSetup::missing_prerequisite(); !missing.empty()) {
      GTEST_SKIP() << missing;
    }
    test::RunLocalSetup::Options options;
    options.sim_load = dir_.write("load.yaml", load_file());
    setup_ = std::make_unique<test::RunLocalSetup>(options);
    ASSERT_TRUE(setup_->ready()) << setup_->log();
  }
  void TearDown() override {
    if (setup_ && setup_->ready()) {
      EXPECT_EQ(setup_->stop(), 0) << "run-local.sh did not stop cleanly\n" << setup_->log();
    }
  }

  // The page's URL as make run printed it ("  timeline:   http://A/ui/ ...").
  std::string printed_url() {
    std::smatch m;
    const std::string printed = setup_->printed();
    if (!std::regex_search(printed, m, std::regex(R"(\n  timeline: +(http://\S+/ui/))"))) return "";
    return m[1].str();
  }

  // What headless Chromium rendered of `url` after the page's script ran.
  std::string rendered(const std::string& url) {
    test::TempDir profile("chromium-profile");
    auto r = test::run(
        kChromium,
        {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--user-data-dir=" + profile.path().string(), "--virtual-time-budget=5000", "--dump-dom",
         url},
        std::chrono::seconds(60));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  test::TempDir dir_{"timeline-e2e"};
  std::unique_ptr<test::RunLocalSetup> setup_;
};

TEST_F(TimelinePage, ChartsHaveDataAndAKubectlScaleAppearsAsADecision) {
  const std::string url = printed_url();
  ASSERT_EQ(url, "http://" + setup_->ops_address() + "/ui/") << setup_->printed();
  setup_->kubectl_ok({"scale", "dgdsa", "sglang-agg-decode", "-n", "default", "--replicas=2"});

  // Prometheus needs a few scrapes of the load and of the new size; the page
  // is loaded again until they show (bounded).
  std::string dom;
  auto decode_chart = std::string(R"(<figure><figcaption>decode: replicas</figcaption>)");
  auto complete = [&] {
    dom = rendered(url);
    const auto decode = dom.find(decode_chart);
    if (decode == std::string::npos) return false;
    const std::string chart = dom.substr(decode, dom.find("</figure>", decode) - decode);
    return attribute_number(chart, R"(<path[^>]*data-series="desired")", "data-points") > 0 &&
           attribute_number(dom, R"(<path[^>]*data-series="rate")", "data-points") > 0 &&
           attribute_number(dom, R"(<path[^>]*data-series="ttft")", "data-points") > 0 &&
           chart.find("class=\"decision\" data-decision-id=") != std::string::npos;
  };
  ASSERT_TRUE(test::eventually(complete, 90)) << dom << "\n" << setup_->log();

  // One section for the example, with its services' replica charts and the
  // SLA targets (the guide's TTFT 0.5 s and ITL 50 ms).
  EXPECT_NE(dom.find(R"(<section class="graph" data-graph="default/sglang-agg">)"),
            std::string::npos);
  EXPECT_NE(dom.find(R"(<h2>DynamoGraphDeployment default/sglang-agg</h2>)"), std::string::npos);
  EXPECT_GT(attribute_number(dom, R"(<path[^>]*data-series="ready")", "data-points"), 0);
  EXPECT_NE(dom.find(R"(class="target" data-target="0.5")"), std::string::npos) << dom;
  EXPECT_NE(dom.find(R"(class="target" data-target="0.05")"), std::string::npos) << dom;
  EXPECT_NE(dom.find("time (UTC)"), std::string::npos);

  // The decision table names the adapter, the new size and kubectl as the writer.
  std::smatch row;
  ASSERT_TRUE(std::regex_search(
      dom, row,
      std::regex(R"(<tr data-decision-id="\d+" data-adapter="sglang-agg-decode" data-to="2" )"
                 R"(data-writer="kubectl[^"]*">(.*?)</tr>)")))
      << dom;
  EXPECT_NE(row[1].str().find("<td>default/sglang-agg-decode</td><td>1 → 2</td><td>kubectl</td>"),
            std::string::npos)
      << row[1].str();
  EXPECT_NE(row[1].str().find("<td>observed</td>"), std::string::npos) << row[1].str();

  // A bad window is refused by name, in the page's status line.
  dom = rendered(url + "?window=2d");
  EXPECT_NE(dom.find("timeline: window: \"2d\" is not one of 15m, 1h, 6h"), std::string::npos)
      << dom;
}

}  // namespace
}  // namespace dynop::e2e
