#include "sim/load/load_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "lib/apimachinery/quantity.hpp"
#include "lib/files/read_file.hpp"
#include "lib/yaml/yaml_reader.hpp"

namespace dynop::sim {

ResourceProfile default_frontend_resources() {
  // A Rust HTTP frontend: little when idle, tokenization and streaming per request.
  return {0.05, 0.005, 0.00002, 512.0 * 1024 * 1024, 64.0 * 1024};
}

ResourceProfile default_worker_resources() {
  // The engine's host process: a busy scheduler loop, host memory for the model.
  return {1.0, 0.001, 0.000001, 8.0 * 1024 * 1024 * 1024, 1024.0 * 1024};
}

namespace {

using apimachinery::Error;
using apimachinery::Result;

class Parser : public yaml::Reader {
 public:
  Parser(std::string source, std::string base_dir)
      : yaml::Reader(std::move(source)), base_dir_(std::move(base_dir)) {}

  // Seconds: a number, or a number with s, m or h ("90s", "5m", "1.5h").
  Result<double> seconds(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) return at(node, what + " must be a duration like 30s, 5m or 1h");
    std::string s = node.Scalar();
    double factor = 1;
    if (!s.empty() && (s.back() == 's' || s.back() == 'm' || s.back() == 'h')) {
      factor = s.back() == 'm' ? 60 : s.back() == 'h' ? 3600 : 1;
      s.pop_back();
    }
    double v = 0;
    std::istringstream in(s);
    in >> v;
    if (s.empty() || !in.eof() || in.fail() || v < 0 || !std::isfinite(v)) {
      return at(node,
                what + " must be a duration like 30s, 5m or 1h, found \"" + node.Scalar() + "\"");
    }
    return v * factor;
  }

  std::string path(const std::string& p) const {
    if (p.empty() || p.front() == '/') return p;
    return (std::filesystem::path(base_dir_) / p).string();
  }

  Result<TokenDistribution> tokens(const YAML::Node& node, const std::string& what) const {
    TokenDistribution d;
    if (node.IsScalar()) {
      auto v = positive(node, what);
      if (!v) return Error{v.error()};
      d.a = d.b = *v;
      return d;
    }
    if (node.IsMap() && node.size() == 1 && node["uniform"]) {
      const YAML::Node u = node["uniform"];
      if (!u.IsSequence() || u.size() != 2) return at(u, what + ".uniform must be [low, high]");
      auto lo = positive(u[0], what + ".uniform low");
      if (!lo) return Error{lo.error()};
      auto hi = positive(u[1], what + ".uniform high");
      if (!hi) return Error{hi.error()};
      if (*hi < *lo) return at(u, what + ".uniform: high is below low");
      d.kind = TokenDistribution::Kind::kUniform;
      d.a = *lo;
      d.b = *hi;
      return d;
    }
    if (node.IsMap() && node.size() == 1 && node["normal"]) {
      const YAML::Node n = node["normal"];
      if (auto ok = known_keys(n, what + ".normal", {"mean", "stddev"}); !ok) {
        return Error{ok.error()};
      }
      if (!n["mean"] || !n["stddev"]) return at(n, what + ".normal needs mean and stddev");
      auto mean = positive(n["mean"], what + ".normal.mean");
      if (!mean) return Error{mean.error()};
      auto sd = non_negative(n["stddev"], what + ".normal.stddev");
      if (!sd) return Error{sd.error()};
      d.kind = TokenDistribution::Kind::kNormal;
      d.a = *mean;
      d.b = *sd;
      return d;
    }
    return at(node, what +
                        " must be a number of tokens, {uniform: [low, high]} or {normal: {mean, "
                        "stddev}}");
  }

  Result<LoadSpec> load(const YAML::Node& node) const {
    if (auto ok = known_keys(node, "load",
                             {"start", "constant", "step", "square", "sine", "trace",
                              "input_tokens", "output_tokens"});
        !ok) {
      return Error{ok.error()};
    }
    LoadSpec spec;
    int kinds = 0;
    for (const char* k : {"constant", "step", "square", "sine", "trace"}) kinds += node[k] ? 1 : 0;
    if (kinds != 1)
      return at(node, "load: give exactly one of constant, step, square, sine, trace");
    if (node["start"]) {
      auto s = seconds(node["start"], "load.start");
      if (!s) return Error{s.error()};
      spec.start_seconds = *s;
    }
    RateProfile& r = spec.rate;
    if (const YAML::Node c = node["constant"]) {
      if (auto ok = known_keys(c, "load.constant", {"rate"}); !ok) return Error{ok.error()};
      if (!c["rate"]) return at(c, "load.constant needs rate");
      auto v = non_negative(c["rate"], "load.constant.rate");
      if (!v) return Error{v.error()};
      r.kind = RateProfile::Kind::kConstant;
      r.rate = *v;
    } else if (const YAML::Node s = node["step"]) {
      if (!s.IsSequence() || s.size() == 0) {
        return at(s, "load.step must be a list of {at, rate}");
      }
      r.kind = RateProfile::Kind::kStep;
      for (const auto& item : s) {
        if (auto ok = known_keys(item, "load.step[]", {"at", "rate"}); !ok) {
          return Error{ok.error()};
        }
        if (!item["at"] || !item["rate"]) return at(item, "load.step[] needs at and rate");
        auto when = seconds(item["at"], "load.step[].at");
        if (!when) return Error{when.error()};
        auto v = non_negative(item["rate"], "load.step[].rate");
        if (!v) return Error{v.error()};
        if (!r.steps.empty() && *when <= r.steps.back().first) {
          return at(item["at"], "load.step: each at must be later than the one before");
        }
        r.steps.emplace_back(*when, *v);
      }
    } else if (const YAML::Node q = node["square"]) {
      if (auto ok = known_keys(q, "load.square", {"low", "high", "period", "duty"}); !ok) {
        return Error{ok.error()};
      }
      if (!q["low"] || !q["high"] || !q["period"]) {
        return at(q, "load.square needs low, high and period");
      }
      auto lo = non_negative(q["low"], "load.square.low");
      if (!lo) return Error{lo.error()};
      auto hi = non_negative(q["high"], "load.square.high");
      if (!hi) return Error{hi.error()};
      auto p = seconds(q["period"], "load.square.period");
      if (!p) return Error{p.error()};
      if (!(*p > 0)) return at(q["period"], "load.square.period must be greater than 0");
      r.kind = RateProfile::Kind::kSquare;
      r.low = *lo;
      r.high = *hi;
      r.period = *p;
      if (q["duty"]) {
        auto d = number(q["duty"], "load.square.duty");
        if (!d) return Error{d.error()};
        if (*d < 0 || *d > 1) return at(q["duty"], "load.square.duty must be between 0 and 1");
        r.duty = *d;
      }
    } else if (const YAML::Node w = node["sine"]) {
      if (auto ok = known_keys(w, "load.sine", {"mean", "amplitude", "period", "phase"}); !ok) {
        return Error{ok.error()};
      }
      if (!w["mean"] || !w["amplitude"] || !w["period"]) {
        return at(w, "load.sine needs mean, amplitude and period");
      }
      auto mean = non_negative(w["mean"], "load.sine.mean");
      if (!mean) return Error{mean.error()};
      auto amp = number(w["amplitude"], "load.sine.amplitude");
      if (!amp) return Error{amp.error()};
      auto p = seconds(w["period"], "load.sine.period");
      if (!p) return Error{p.error()};
      if (!(*p > 0)) return at(w["period"], "load.sine.period must be greater than 0");
      r.kind = RateProfile::Kind::kSine;
      r.mean = *mean;
      r.amplitude = *amp;
      r.period = *p;
      if (w["phase"]) {
        auto ph = number(w["phase"], "load.sine.phase");
        if (!ph) return Error{ph.error()};
        r.phase = *ph;
      }
    } else {
      const YAML::Node t = node["trace"];
      if (auto ok = known_keys(t, "load.trace", {"file", "speedup", "rate_scale", "loop"}); !ok) {
        return Error{ok.error()};
      }
      if (!t["file"] || !t["file"].IsScalar()) return at(t, "load.trace needs file");
      auto trace = load_trace(path(t["file"].Scalar()));
      if (!trace) return Error{trace.error()};
      spec.is_trace = true;
      spec.replay.trace = std::make_shared<const Trace>(std::move(*trace));
      if (t["speedup"]) {
        auto v = positive(t["speedup"], "load.trace.speedup");
        if (!v) return Error{v.error()};
        spec.replay.speedup = *v;
      }
      if (t["rate_scale"]) {
        auto v = positive(t["rate_scale"], "load.trace.rate_scale");
        if (!v) return Error{v.error()};
        spec.replay.rate_scale = *v;
      }
      if (t["loop"]) {
        bool loop = false;
        if (!YAML::convert<bool>::decode(t["loop"], loop)) {
          return at(t["loop"], "load.trace.loop must be true or false");
        }
        spec.replay.loop = loop;
      }
    }
    if (spec.is_trace) {
      if (node["input_tokens"] || node["output_tokens"]) {
        return at(node, "load: a trace carries its own input and output tokens");
      }
      return spec;
    }
    for (const char* key : {"input_tokens", "output_tokens"}) {
      if (!node[key]) return at(node, std::string("load needs ") + key);
    }
    auto in = tokens(node["input_tokens"], "load.input_tokens");
    if (!in) return Error{in.error()};
    auto out = tokens(node["output_tokens"], "load.output_tokens");
    if (!out) return Error{out.error()};
    spec.input_tokens = *in;
    spec.output_tokens = *out;
    return spec;
  }

  Result<ResourceProfile> resources(const YAML::Node& node, const std::string& what,
                                    ResourceProfile r) const {
    if (auto ok = known_keys(node, what,
                             {"idle_cores", "core_seconds_per_request", "core_seconds_per_token",
                              "memory", "memory_per_request"});
        !ok) {
      return Error{ok.error()};
    }
    struct Field {
      const char* key;
      double* into;
      bool is_bytes;
    };
    for (const Field& f : {Field{"idle_cores", &r.idle_cores, false},
                           Field{"core_seconds_per_request", &r.core_seconds_per_request, false},
                           Field{"core_seconds_per_token", &r.core_seconds_per_token, false},
                           Field{"memory", &r.memory_bytes, true},
                           Field{"memory_per_request", &r.memory_bytes_per_request, true}}) {
      if (!node[f.key]) continue;
      auto v = f.is_bytes ? bytes(node[f.key], what + "." + f.key)
                          : non_negative(node[f.key], what + "." + f.key);
      if (!v) return Error{v.error()};
      *f.into = *v;
    }
    return r;
  }

  Result<GraphConfig> graph(const YAML::Node& node, std::uint64_t seed) const {
    if (auto ok = known_keys(node, "graphs[]",
                             {"namespace", "dgd", "model", "profile", "gpus_per_engine",
                              "max_batched_tokens", "load", "resources", "seed"});
        !ok) {
      return Error{ok.error()};
    }
    GraphConfig g;
    for (const char* key : {"namespace", "dgd"}) {
      if (!node[key] || !node[key].IsScalar() || node[key].Scalar().empty()) {
        return at(node, std::string("graphs[] needs ") + key);
      }
    }
    g.namespace_ = node["namespace"].Scalar();
    g.dgd = node["dgd"].Scalar();
    g.seed = seed;
    if (node["seed"]) {
      std::uint64_t s = 0;
      if (!YAML::convert<std::uint64_t>::decode(node["seed"], s)) {
        return at(node["seed"], "seed must be a whole number");
      }
      g.seed = s;
    }
    if (node["profile"]) {
      if (!node["profile"].IsScalar()) return at(node["profile"], "profile must be a file path");
      auto profile = profiling::load_engine_profile(path(node["profile"].Scalar()));
      if (!profile) return Error{profile.error()};
      g.profile = std::make_shared<const profiling::EngineProfile>(std::move(*profile));
      g.model = g.profile->model;
    }
    if (node["model"]) {
      if (!node["model"].IsScalar()) return at(node["model"], "model must be a string");
      g.model = node["model"].Scalar();
    }
    if (node["gpus_per_engine"]) {
      int v = 0;
      if (!YAML::convert<int>::decode(node["gpus_per_engine"], v) || v < 1) {
        return at(node["gpus_per_engine"], "gpus_per_engine must be a whole number, at least 1");
      }
      g.gpus_per_engine = v;
    }
    if (node["max_batched_tokens"]) {
      int v = 0;
      if (!YAML::convert<int>::decode(node["max_batched_tokens"], v) || v < 1) {
        return at(node["max_batched_tokens"],
                  "max_batched_tokens must be a whole number, at least 1");
      }
      g.max_batched_tokens = v;
    }
    if (node["load"]) {
      if (!g.profile) return at(node["load"], "load needs a profile for the graph's workers");
      auto spec = load(node["load"]);
      if (!spec) return Error{spec.error()};
      g.load = std::move(*spec);
    }
    if (const YAML::Node res = node["resources"]) {
      if (auto ok = known_keys(res, "resources", {"frontend", "worker"}); !ok) {
        return Error{ok.error()};
      }
      if (res["frontend"]) {
        auto r = resources(res["frontend"], "resources.frontend", g.frontend_resources);
        if (!r) return Error{r.error()};
        g.frontend_resources = *r;
      }
      if (res["worker"]) {
        auto r = resources(res["worker"], "resources.worker", g.worker_resources);
        if (!r) return Error{r.error()};
        g.worker_resources = *r;
      }
    }
    return g;
  }

  Result<LoadConfig> config(const YAML::Node& root) const {
    LoadConfig c;
    if (root.IsNull()) return c;
    if (auto ok = known_keys(root, "the load file", {"speedup", "seed", "graphs"}); !ok) {
      return Error{ok.error()};
    }
    if (root["speedup"]) {
      auto v = positive(root["speedup"], "speedup");
      if (!v) return Error{v.error()};
      c.speedup = *v;
    }
    if (root["seed"]) {
      if (!YAML::convert<std::uint64_t>::decode(root["seed"], c.seed)) {
        return at(root["seed"], "seed must be a whole number");
      }
    }
    if (const YAML::Node graphs = root["graphs"]) {
      if (!graphs.IsSequence()) return at(graphs, "graphs must be a list");
      std::set<std::string> seen;
      std::uint64_t index = 0;
      for (const auto& item : graphs) {
        auto g = graph(item, c.seed + index++);
        if (!g) return Error{g.error()};
        if (!seen.insert(g->namespace_ + "/" + g->dgd).second) {
          return at(item, "graphs: " + g->namespace_ + "/" + g->dgd + " is listed twice");
        }
        c.graphs.push_back(std::move(*g));
      }
    }
    return c;
  }

 private:
  std::string base_dir_;
};

}  // namespace

Result<LoadConfig> parse_load_config(std::string_view text, std::string_view source,
                                     const std::string& base_dir) {
  Parser parser{std::string(source), base_dir};
  auto root = parser.parse(text);
  if (!root) return Error{root.error()};
  try {
    return parser.config(*root);
  } catch (const YAML::Exception& e) {
    return Error{std::string(source) + ": " + e.what()};
  }
}

Result<LoadConfig> load_load_config(const std::string& path) {
  auto text = files::read_file(path, "the load file");
  if (!text) return Error{text.error()};
  return parse_load_config(*text, path, std::filesystem::path(path).parent_path().string());
}

}  // namespace dynop::sim
