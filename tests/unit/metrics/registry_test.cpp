#include "lib/metrics/registry.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace dynop::metrics {
namespace {

// A minimal reader of the text exposition format, enough to check that what
// the registry writes reads back to the same samples.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string value;
};

struct Exposition {
  std::map<std::string, std::string> help;
  std::map<std::string, std::string> type;
  std::vector<Sample> samples;

  const Sample* find(const std::string& name,
                     const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& s : samples) {
      if (s.name == name && s.labels == labels) return &s;
    }
    return nullptr;
  }
};

Exposition parse(const std::string& text) {
  Exposition e;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      std::string rest = line.substr(7);
      auto space = rest.find(' ');
      if (space == std::string::npos) throw std::runtime_error("bad comment: " + line);
      std::string name = rest.substr(0, space);
      std::string body = rest.substr(space + 1);
      if (line[2] == 'H') {
        std::string unescaped;
        for (std::size_t i = 0; i < body.size(); ++i) {
          if (body[i] == '\\' && i + 1 < body.size()) {
            ++i;
            unescaped += body[i] == 'n' ? '\n' : body[i];
          } else {
            unescaped += body[i];
          }
        }
        e.help[name] = unescaped;
      } else {
        e.type[name] = body;
      }
      continue;
    }
    Sample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') s.name += line[i++];
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (line.at(i) != '}') {
        std::string key;
        while (line.at(i) != '=') key += line[i++];
        ++i;
        if (line.at(i) != '"') throw std::runtime_error("unquoted label value: " + line);
        ++i;
        std::string value;
        while (line.at(i) != '"') {
          if (line[i] == '\\') {
            ++i;
            char c = line.at(i);
            if (c == 'n') {
              value += '\n';
            } else if (c == '\\' || c == '"') {
              value += c;
            } else {
              throw std::runtime_error("bad escape: " + line);
            }
          } else {
            value += line[i];
          }
          ++i;
        }
        ++i;
        s.labels[key] = value;
        if (line.at(i) == ',') ++i;
      }
      ++i;
    }
    if (line.at(i) != ' ') throw std::runtime_error("no value: " + line);
    s.value = line.substr(i + 1);
    e.samples.push_back(s);
  }
  return e;
}

TEST(MetricsRegistry, CounterWithHelpAndTypeReadsBack) {
  Registry r;
  auto& c = r.counter("dynop_reconcile_total", "Reconciles by result.");
  c.with({{"plugin", "dgd"}, {"result", "success"}}).inc();
  c.with({{"plugin", "dgd"}, {"result", "success"}}).inc(2);
  c.with({{"plugin", "dgd"}, {"result", "error"}}).inc();

  Exposition e = parse(r.serialize());
  EXPECT_EQ(e.help["dynop_reconcile_total"], "Reconciles by result.");
  EXPECT_EQ(e.type["dynop_reconcile_total"], "counter");
  const Sample* ok = e.find("dynop_reconcile_total", {{"plugin", "dgd"}, {"result", "success"}});
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->value, "3");
  const Sample* err = e.find("dynop_reconcile_total", {{"plugin", "dgd"}, {"result", "error"}});
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->value, "1");
}

TEST(MetricsRegistry, SameNameGivesSameFamilyAndSameLabelsSameChild) {
  Registry r;
  auto& a = r.counter("x_total", "help");
  auto& b = r.counter("x_total", "other help");
  EXPECT_EQ(&a, &b);
  auto& c1 = a.with({{"a", "1"}, {"b", "2"}});
  auto& c2 = b.with({{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(&c1, &c2);
  EXPECT_NE(&c1, &a.with({{"a", "1"}}));
}

TEST(MetricsRegistry, TypeConflictAndBadNamesAreRejected) {
  Registry r;
  r.counter("x_total", "help");
  EXPECT_THROW(r.gauge("x_total", "help"), std::invalid_argument);
  EXPECT_THROW(r.counter("1bad", "help"), std::invalid_argument);
  EXPECT_THROW(r.counter("bad-name", "help"), std::invalid_argument);
  auto& f = r.counter("y_total", "help");
  EXPECT_THROW(f.with({{"bad-label", "v"}}), std::invalid_argument);
  EXPECT_THROW(f.with({{"a", "1"}, {"a", "2"}}), std::invalid_argument);
  auto& h = r.histogram("h_seconds", "help", {1, 2});
  EXPECT_THROW(h.with({{"le", "1"}}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h2", "help", {2, 1}), std::invalid_argument);
}

TEST(MetricsRegistry, LabelValuesAndHelpAreEscaped) {
  Registry r;
  r.gauge("g", "line one\nback\\slash").with({{"path", "a\"b\\c\nd"}}).set(1.5);
  std::string text = r.serialize();
  EXPECT_NE(text.find(R"(g{path="a\"b\\c\nd"} 1.5)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(# HELP g line one\nback\\slash)"), std::string::npos) << text;
  Exposition e = parse(text);
  EXPECT_EQ(e.help["g"], "line one\nback\\slash");
  ASSERT_NE(e.find("g", {{"path", "a\"b\\c\nd"}}), nullptr);
}

TEST(MetricsRegistry, GaugeSetIncDec) {
  Registry r;
  auto& g = r.gauge("queue_depth", "Items queued.").with({});
  g.set(10);
  g.inc();
  g.dec(3);
  EXPECT_EQ(g.value(), 8);
  Exposition e = parse(r.serialize());
  EXPECT_EQ(e.type["queue_depth"], "gauge");
  ASSERT_NE(e.find("queue_depth"), nullptr);
  EXPECT_EQ(e.find("queue_depth")->value, "8");
}

TEST(MetricsRegistry, HistogramBucketsSumCountAndInf) {
  Registry r;
  auto& h = r.histogram("latency_seconds", "Latency.", {0.1, 1, 10}).with({{"op", "get"}});
  h.observe(0.05);
  h.observe(0.1);  // upper bounds are inclusive
  h.observe(5);
  h.observe(100);
  Exposition e = parse(r.serialize());
  EXPECT_EQ(e.type["latency_seconds"], "histogram");
  auto bucket = [&](const std::string& le) {
    const Sample* s = e.find("latency_seconds_bucket", {{"op", "get"}, {"le", le}});
    return s ? s->value : std::string("missing");
  };
  EXPECT_EQ(bucket("0.1"), "2");
  EXPECT_EQ(bucket("1"), "2");
  EXPECT_EQ(bucket("10"), "3");
  EXPECT_EQ(bucket("+Inf"), "4");
  ASSERT_NE(e.find("latency_seconds_count", {{"op", "get"}}), nullptr);
  EXPECT_EQ(e.find("latency_seconds_count", {{"op", "get"}})->value, "4");
  ASSERT_NE(e.find("latency_seconds_sum", {{"op", "get"}}), nullptr);
  EXPECT_EQ(e.find("latency_seconds_sum", {{"op", "get"}})->value, "105.15");
}

TEST(MetricsRegistry, RemoveDropsTheChild) {
  Registry r;
  auto& f = r.gauge("plugin_up", "help");
  f.with({{"plugin", "a"}}).set(1);
  f.with({{"plugin", "b"}}).set(1);
  f.remove({{"plugin", "a"}});
  Exposition e = parse(r.serialize());
  EXPECT_EQ(e.find("plugin_up", {{"plugin", "a"}}), nullptr);
  EXPECT_NE(e.find("plugin_up", {{"plugin", "b"}}), nullptr);
}

TEST(MetricsRegistry, SpecialValues) {
  EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_value(0.0 / 0.0), "NaN");
  EXPECT_EQ(format_value(42), "42");
  EXPECT_EQ(format_value(0.25), "0.25");
}

TEST(MetricsRegistry, ExponentialBuckets) {
  EXPECT_EQ(exponential_buckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
  EXPECT_THROW(exponential_buckets(0, 2, 4), std::invalid_argument);
  EXPECT_THROW(exponential_buckets(1, 1, 4), std::invalid_argument);
  EXPECT_EQ(linear_buckets(1, 2, 3), (std::vector<double>{1, 3, 5}));
}

TEST(MetricsRegistry, ConcurrentUpdatesAreNotLost) {
  Registry r;
  auto& family = r.counter("c_total", "help");
  auto& h = r.histogram("h", "help", exponential_buckets(1, 2, 5)).with({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        family.with({{"k", "v"}}).inc();
        h.observe(3);
      }
    });
  }
  for (auto& t : threads) t.join();
  Exposition e = parse(r.serialize());
  EXPECT_EQ(e.find("c_total", {{"k", "v"}})->value, "40000");
  EXPECT_EQ(e.find("h_count")->value, "40000");
  EXPECT_EQ(e.find("h_bucket", {{"le", "4"}})->value, "40000");
  EXPECT_EQ(e.find("h_bucket", {{"le", "2"}})->value, "0");
}

}  // namespace
}  // namespace dynop::metrics
