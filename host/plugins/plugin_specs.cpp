#include "host/plugins/plugin_specs.hpp"

#include <fmt/format.h>

#include <exception>
#include <utility>

#include "host/plugins/plugin_abi.hpp"

namespace dynop::host {
namespace {

std::string str(dynop_str s) { return s.size ? std::string(s.data, s.size) : std::string(); }

KindSpec kind_of(const dynop_gvk& g) { return KindSpec{str(g.group), str(g.version), str(g.kind)}; }

std::string message_of(const dynop_status& s) {
  std::string m = str(s.message);
  return m.empty() ? "status code " + std::to_string(s.code) : m;
}

// Copies and checks what a plugin asks the host to cache of `kind`. "" or why
// the declaration cannot be served.
std::string read_cache(const dynop_cache_spec& c, const std::string& kind, CacheSpec& out) {
  if (c.mode < DYNOP_CACHE_FULL || c.mode > DYNOP_CACHE_FIELDS) {
    return "the cache of " + kind + " has unknown mode " + std::to_string(c.mode);
  }
  out.mode = static_cast<dynop_cache_mode>(c.mode);
  out.writes = c.writes != 0;
  if (c.field_count > 0 && c.fields == nullptr) {
    return "the cache of " + kind + " has field_count " + std::to_string(c.field_count) +
           " without fields";
  }
  if (out.mode == DYNOP_CACHE_FIELDS) {
    for (size_t i = 0; i < c.field_count; ++i) {
      std::string path = str(c.fields[i]);
      if (path.empty() || path.front() == '.' || path.back() == '.' ||
          path.find("..") != std::string::npos) {
        return "the cache of " + kind + " names the field path \"" + path +
               "\", which is not a dotted path like status.phase";
      }
      out.fields.push_back(std::move(path));
    }
    if (out.fields.empty()) {
      return "the cache of " + kind + " asks for listed fields (DYNOP_CACHE_FIELDS) but lists none";
    }
  }
  if (out.writes && out.mode != DYNOP_CACHE_FULL) {
    const std::string kept = out.mode == DYNOP_CACHE_METADATA
                                 ? "its metadata"
                                 : fmt::format("the fields {}", fmt::join(out.fields, ", "));
    return "it writes " + kind + " objects back (writes is set) but asks the host to cache only " +
           kept + ": an update would drop every field the cache leaves out; cache " + kind +
           " whole (DYNOP_CACHE_FULL) or do not write it back";
  }
  return {};
}

std::string describe_reconciler(const dynop_reconciler_hooks& hooks, uint16_t abi_minor,
                                dynop_plugin* instance, ReconcilerSpec& out) {
  auto spec = out_struct<dynop_reconciler_spec>();
  dynop_status s = hooks.describe(instance, &spec);
  if (s.code != DYNOP_OK) return message_of(s);
  out.primary = kind_of(spec.primary);
  if (out.primary.kind.empty() || out.primary.version.empty()) {
    return "the primary kind needs a version and a kind";
  }
  out.workers = spec.workers == 0 ? 1 : spec.workers;
  if (std::string error = read_cache(spec.primary_cache, out.primary.kind, out.primary_cache);
      !error.empty()) {
    return error;
  }
  std::vector<dynop_watch> watches;
  std::string error;
  if (!read_plugin_array(abi_minor, spec.watches, spec.watch_count, "its watch", watches, error)) {
    return error;
  }
  for (size_t i = 0; i < watches.size(); ++i) {
    WatchSpec w;
    w.kind = kind_of(watches[i].gvk);
    w.mapping = static_cast<dynop_watch_mapping>(watches[i].mapping);
    if (w.kind.kind.empty() || w.kind.version.empty()) {
      return "watch " + std::to_string(i) + " needs a version and a kind";
    }
    if (watches[i].mapping < DYNOP_MAP_CONTROLLER_OWNER ||
        watches[i].mapping > DYNOP_MAP_FUNCTION) {
      return "watch of " + w.kind.kind + " has unknown mapping " +
             std::to_string(watches[i].mapping);
    }
    if (w.mapping == DYNOP_MAP_FUNCTION && hooks.map_to_primary == nullptr) {
      return "watch of " + w.kind.kind + " maps through map_to_primary, which is missing";
    }
    if (std::string cache_error = read_cache(watches[i].cache, w.kind.kind, w.cache);
        !cache_error.empty()) {
      return cache_error;
    }
    out.watches.push_back(std::move(w));
  }
  return {};
}

std::string describe_admission(const dynop_admission_hooks& hooks, uint16_t abi_minor,
                               dynop_plugin* instance, AdmissionSpec& out) {
  auto spec = out_struct<dynop_admission_spec>();
  dynop_status s = hooks.describe(instance, &spec);
  if (s.code != DYNOP_OK) return message_of(s);
  if (spec.rule_count == 0 || spec.rules == nullptr) return "it declares no admission rule";
  std::vector<dynop_admission_rule> rules;
  std::string error;
  if (!read_plugin_array(abi_minor, spec.rules, spec.rule_count, "its admission rule", rules,
                         error)) {
    return error;
  }
  constexpr uint32_t kKnownOps =
      DYNOP_OP_CREATE | DYNOP_OP_UPDATE | DYNOP_OP_DELETE | DYNOP_OP_CONNECT;
  for (size_t i = 0; i < rules.size(); ++i) {
    const dynop_admission_rule& r = rules[i];
    AdmissionRuleSpec rule{str(r.group), str(r.version), str(r.resource), r.operations};
    if (rule.resource.empty() || rule.version.empty()) {
      return "admission rule " + std::to_string(i) + " needs a version and a resource";
    }
    if (rule.operations == 0 || (rule.operations & ~kKnownOps) != 0) {
      return "admission rule for " + rule.resource + " has invalid operations";
    }
    out.rules.push_back(std::move(rule));
  }
  return {};
}

std::string describe_placement(const dynop_placement_hooks& hooks, dynop_plugin* instance,
                               PlacementSpec& out) {
  auto spec = out_struct<dynop_placement_spec>();
  dynop_status s = hooks.describe(instance, &spec);
  if (s.code != DYNOP_OK) return message_of(s);
  out.scheduler_name = str(spec.scheduler_name);
  if (out.scheduler_name.empty()) return "it names no scheduler";
  out.nodes_to_score = spec.nodes_to_score;
  return {};
}

std::string describe_autoscaler(const dynop_autoscaler_hooks& hooks, dynop_plugin* instance,
                                AutoscalerSpec& out) {
  auto spec = out_struct<dynop_autoscaler_spec>();
  dynop_status s = hooks.describe(instance, &spec);
  if (s.code != DYNOP_OK) return message_of(s);
  out.interval_ms = spec.interval_ms == 0 ? 15000 : spec.interval_ms;
  return {};
}

template <class F>
std::string guarded(const char* capability, F&& call) {
  std::string error;
  try {
    error = call();
  } catch (const std::exception& e) {
    error = std::string("threw across the plugin boundary: ") + e.what();
  } catch (...) {
    error = "threw across the plugin boundary";
  }
  return error.empty() ? error : std::string("describe (") + capability + "): " + error;
}

}  // namespace

std::string describe_plugin(const PluginHooks& hooks, dynop_plugin* instance, PluginSpecs& out) {
  out = PluginSpecs{};
  const uint16_t minor = hooks.abi_minor;
  if (hooks.capabilities & DYNOP_CAP_RECONCILER) {
    out.reconciler.emplace();
    if (auto e = guarded("reconciler",
                         [&] {
                           return describe_reconciler(hooks.reconciler, minor, instance,
                                                      *out.reconciler);
                         });
        !e.empty()) {
      return e;
    }
  }
  if (hooks.capabilities & DYNOP_CAP_ADMISSION) {
    out.admission.emplace();
    if (auto e = guarded(
            "admission",
            [&] { return describe_admission(hooks.admission, minor, instance, *out.admission); });
        !e.empty()) {
      return e;
    }
  }
  if (hooks.capabilities & DYNOP_CAP_PLACEMENT) {
    out.placement.emplace();
    if (auto e =
            guarded("placement",
                    [&] { return describe_placement(hooks.placement, instance, *out.placement); });
        !e.empty()) {
      return e;
    }
  }
  if (hooks.capabilities & DYNOP_CAP_AUTOSCALER) {
    out.autoscaler.emplace();
    if (auto e = guarded(
            "autoscaler",
            [&] { return describe_autoscaler(hooks.autoscaler, instance, *out.autoscaler); });
        !e.empty()) {
      return e;
    }
  }
  return {};
}

}  // namespace dynop::host
