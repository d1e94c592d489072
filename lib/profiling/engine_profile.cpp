#include "lib/profiling/engine_profile.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <sstream>

#include "lib/files/read_file.hpp"

namespace dynop::profiling {
namespace {

using apimachinery::Error;
using apimachinery::Result;

// JSON is YAML: yaml-cpp keeps the line and column of every node, which a
// JSON parser would not give us for a value that parses but makes no sense.
struct Reader {
  std::string source;

  Error at(const YAML::Node& node, const std::string& what) const {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0) return Error{source + ": " + what};
    return Error{source + ":" + std::to_string(mark.line + 1) + ":" +
                 std::to_string(mark.column + 1) + ": " + what};
  }

  Result<YAML::Node> member(const YAML::Node& parent, const std::string& parent_name,
                            const std::string& key) const {
    YAML::Node node = parent[key];
    if (!node) return at(parent, parent_name + " has no \"" + key + "\"");
    return node;
  }

  Result<std::vector<double>> numbers(const YAML::Node& parent, const std::string& parent_name,
                                      const std::string& key, bool positive) const {
    auto node = member(parent, parent_name, key);
    if (!node) return Error{node.error()};
    const std::string name = parent_name + "." + key;
    if (!node->IsSequence()) return at(*node, name + " must be a list of numbers");
    std::vector<double> out;
    out.reserve(node->size());
    for (const auto& item : *node) {
      double v = 0;
      if (!item.IsScalar() || !YAML::convert<double>::decode(item, v) || !std::isfinite(v)) {
        return at(item, name + " must hold only numbers, found \"" +
                            (item.IsScalar() ? item.Scalar() : std::string("a nested value")) +
                            "\"");
      }
      if (positive ? v <= 0 : v < 0) {
        std::ostringstream text;
        text << name << " must hold " << (positive ? "positive" : "non-negative")
             << " numbers, found " << v;
        return at(item, text.str());
      }
      out.push_back(v);
    }
    return out;
  }

  std::string text_or_empty(const YAML::Node& parent, const std::string& key) const {
    YAML::Node node = parent[key];
    return node && node.IsScalar() ? node.Scalar() : std::string();
  }

  // The factor from the file's time unit to seconds: "ms" (upstream's) or "s".
  Result<double> time_unit(const YAML::Node& root, const std::string& key) const {
    YAML::Node units = root["units"];
    if (!units) return 1e-3;  // upstream's npz files are in milliseconds
    YAML::Node unit = units[key];
    if (!unit) return 1e-3;
    if (unit.IsScalar() && unit.Scalar() == "ms") return 1e-3;
    if (unit.IsScalar() && unit.Scalar() == "s") return 1.0;
    return at(unit, "units." + key + " must be \"ms\" or \"s\"");
  }
};

Result<void> same_length(const Reader& r, const YAML::Node& parent, const std::string& parent_name,
                         const std::string& key, std::size_t got, const std::string& ref_key,
                         std::size_t want) {
  if (got == want) return {};
  return r.at(parent[key], parent_name + "." + key + " has " + std::to_string(got) + " values, " +
                               parent_name + "." + ref_key + " has " + std::to_string(want));
}

Result<EngineProfile> parse_root(const Reader& r, const YAML::Node& root) {
  if (!root.IsMap()) return r.at(root, "a profile must be an object with prefill and decode");
  EngineProfile profile;
  auto prefill = r.member(root, "the profile", "prefill");
  if (!prefill) return Error{prefill.error()};
  if (!prefill->IsMap()) return r.at(*prefill, "prefill must be an object");
  auto decode = r.member(root, "the profile", "decode");
  if (!decode) return Error{decode.error()};
  if (!decode->IsMap()) return r.at(*decode, "decode must be an object");

  auto ttft_unit = r.time_unit(root, "prefill_ttft");
  if (!ttft_unit) return Error{ttft_unit.error()};
  auto itl_unit = r.time_unit(root, "z_itl");
  if (!itl_unit) return Error{itl_unit.error()};

  auto isl = r.numbers(*prefill, "prefill", "prefill_isl", true);
  if (!isl) return Error{isl.error()};
  auto ttft = r.numbers(*prefill, "prefill", "prefill_ttft", true);
  if (!ttft) return Error{ttft.error()};
  auto pthpt = r.numbers(*prefill, "prefill", "prefill_thpt_per_gpu", true);
  if (!pthpt) return Error{pthpt.error()};
  if (isl->size() < 4) {
    return r.at((*prefill)["prefill_isl"],
                "prefill.prefill_isl needs at least 4 points for cubic interpolation, has " +
                    std::to_string(isl->size()));
  }
  if (auto ok = same_length(r, *prefill, "prefill", "prefill_ttft", ttft->size(), "prefill_isl",
                            isl->size());
      !ok) {
    return Error{ok.error()};
  }
  if (auto ok = same_length(r, *prefill, "prefill", "prefill_thpt_per_gpu", pthpt->size(),
                            "prefill_isl", isl->size());
      !ok) {
    return Error{ok.error()};
  }
  for (std::size_t i = 1; i < isl->size(); ++i) {
    if ((*isl)[i] <= (*isl)[i - 1]) {
      return r.at((*prefill)["prefill_isl"][i],
                  "prefill.prefill_isl must be strictly increasing, found " +
                      std::to_string((*isl)[i]) + " after " + std::to_string((*isl)[i - 1]));
    }
  }
  profile.prefill.isl = std::move(*isl);
  for (double& v : *ttft) v *= *ttft_unit;
  profile.prefill.ttft_seconds = std::move(*ttft);
  profile.prefill.thpt_per_gpu = std::move(*pthpt);

  auto kv = r.numbers(*decode, "decode", "x_kv_usage", false);
  if (!kv) return Error{kv.error()};
  auto ctx = r.numbers(*decode, "decode", "y_context_length", true);
  if (!ctx) return Error{ctx.error()};
  auto itl = r.numbers(*decode, "decode", "z_itl", true);
  if (!itl) return Error{itl.error()};
  auto dthpt = r.numbers(*decode, "decode", "z_thpt_per_gpu", true);
  if (!dthpt) return Error{dthpt.error()};
  if (kv->size() < 3) {
    return r.at((*decode)["x_kv_usage"],
                "decode.x_kv_usage needs at least 3 points, has " + std::to_string(kv->size()));
  }
  for (std::size_t i = 0; i < kv->size(); ++i) {
    if ((*kv)[i] > 1) {
      return r.at((*decode)["x_kv_usage"][i],
                  "decode.x_kv_usage values are fractions of the "
                  "KV cache, 0 to 1, found " +
                      std::to_string((*kv)[i]));
    }
  }
  for (const auto& [key, size] :
       {std::pair<std::string, std::size_t>{"y_context_length", ctx->size()},
        {"z_itl", itl->size()},
        {"z_thpt_per_gpu", dthpt->size()}}) {
    if (auto ok = same_length(r, *decode, "decode", key, size, "x_kv_usage", kv->size()); !ok) {
      return Error{ok.error()};
    }
  }
  auto max_kv = r.member(*decode, "decode", "max_kv_tokens");
  if (!max_kv) return Error{max_kv.error()};
  double max_kv_tokens = 0;
  // Upstream's npz stores it as a one-element array; accept both.
  YAML::Node max_kv_value = max_kv->IsSequence() && max_kv->size() == 1 ? (*max_kv)[0] : *max_kv;
  if (!max_kv_value.IsScalar() || !YAML::convert<double>::decode(max_kv_value, max_kv_tokens) ||
      !(max_kv_tokens > 0)) {
    return r.at(*max_kv, "decode.max_kv_tokens must be a positive number of tokens");
  }
  for (double& v : *itl) v *= *itl_unit;
  profile.decode.kv_usage = std::move(*kv);
  profile.decode.context_length = std::move(*ctx);
  profile.decode.itl_seconds = std::move(*itl);
  profile.decode.thpt_per_gpu = std::move(*dthpt);
  profile.decode.max_kv_tokens = max_kv_tokens;

  profile.model = r.text_or_empty(*prefill, "model");
  if (profile.model.empty()) profile.model = r.text_or_empty(*decode, "model");
  profile.gpu_type = r.text_or_empty(*prefill, "gpu_type");
  profile.framework = r.text_or_empty(*prefill, "framework");
  return profile;
}

}  // namespace

Result<EngineProfile> parse_engine_profile(std::string_view text, std::string_view source) {
  Reader reader{std::string(source)};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Error{reader.source + ":" + std::to_string(e.mark.line + 1) + ":" +
                 std::to_string(e.mark.column + 1) + ": not valid JSON: " + e.msg};
  }
  try {
    return parse_root(reader, root);
  } catch (const YAML::Exception& e) {
    return Error{reader.source + ": " + e.what()};
  }
}

Result<EngineProfile> load_engine_profile(const std::string& path) {
  auto text = files::read_file(path, "the profile");
  if (!text) return Error{text.error()};
  return parse_engine_profile(*text, path);
}

}  // namespace dynop::profiling
