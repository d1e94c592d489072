#pragma once
// DYNOP_PLUGIN(MyPlugin): exports a C++ plugin class through the C ABI.
//
// It checks the class at compile time (capabilities.hpp), builds the
// descriptor and hook tables, and defines the entry function
// (dynop_plugin_get_descriptor, see abi.h). Every call from the host into the
// plugin goes through an adapter here that catches exceptions and returns
// them as an error status carrying the exception's message, so no exception
// crosses the boundary. Use it once per plugin, at global scope, in the .cpp
// that defines the class.

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dynop/abi.h"
#include "dynop/sdk/capabilities.hpp"
#include "dynop/sdk/host.hpp"
#include "dynop/sdk/placement.hpp"
#include "dynop/sdk/placement_views.hpp"
#include "dynop/sdk/plugin.hpp"
#include "dynop/sdk/status.hpp"
#include "dynop/sdk/types.hpp"

namespace dynop::sdk::detail {

// Memory behind [plugin-out] pointers: per thread, valid until the next hook
// call on that thread, which is exactly what abi.h promises.
struct OutBuffers {
  std::string message;
  std::vector<Key> keys;
  std::vector<dynop_key> c_keys;
  AdmissionResponse admission;
  std::vector<dynop_str> c_warnings;
  std::vector<ScaleDecision> decisions;
  std::vector<dynop_scale_decision> c_decisions;
  PreFilterResult pre_filter;
  FilterResults filter;
  PodGroup pod_group;
  std::vector<dynop_str> c_topology_keys;
};

inline OutBuffers& out_buffers() {
  thread_local OutBuffers buffers;
  return buffers;
}

inline dynop_status make_status(const Status& s) noexcept {
  if (s.is_ok() && s.message().empty()) return dynop_status{DYNOP_OK, {nullptr, 0}};
  try {
    std::string& m = out_buffers().message;
    m = s.message();
    return dynop_status{static_cast<int32_t>(s.code()), to_c(m)};
  } catch (...) {
    static constexpr std::string_view kOom = "out of memory while reporting an error";
    return dynop_status{DYNOP_ERROR, to_c(kOom)};
  }
}

// Runs a hook body; an escaping exception becomes DYNOP_ERROR with
// "<hook> threw: <what>".
template <class F>
dynop_status guard(const char* hook, F&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    return make_status(Status::error(std::string(hook) + " threw: " + e.what()));
  } catch (...) {
    return make_status(Status::error(std::string(hook) + " threw a non-standard exception"));
  }
}

inline dynop_gvk to_c_gvk(const Gvk& g) {
  return dynop_gvk{to_c(g.group), to_c(g.version), to_c(g.kind)};
}

// Fills an "out" struct of the host's: only the fields that lie within the
// host's struct_size (a host of an older minor has fewer; the others keep
// the host's defaults), and struct_size stays the host's.
template <class T>
void write_out(T* out, T value) noexcept {
  const size_t host_size = out->struct_size;
  value.struct_size = host_size;
  std::memcpy(static_cast<void*>(out), &value, std::min(sizeof(T), host_size));
}

template <class P>
struct Instance {
  explicit Instance(const dynop_host* raw) : host(raw) {}
  Host host;
  std::unique_ptr<P> plugin;
  // Storage behind the describe() outputs: read by the host until destroy.
  ReconcilerSpec reconciler_spec;
  std::vector<dynop_watch> c_watches;
  // The field paths of each cache spec: [0] the primary's, then one per watch.
  std::vector<std::vector<dynop_str>> c_cache_fields;
  AdmissionSpec admission_spec;
  std::vector<dynop_admission_rule> c_rules;
  PlacementSpec placement_spec;
};

template <class P>
Instance<P>& self(dynop_plugin* p) {
  return *reinterpret_cast<Instance<P>*>(p);
}

template <class P>
struct Adapter {
  // ---- lifecycle ----
  static dynop_plugin* init(const dynop_host* host, const char* config, size_t config_len,
                            dynop_status* out_error) noexcept {
    std::unique_ptr<Instance<P>> instance;
    dynop_status s = guard("init", [&] {
      // The host refuses plugins of a newer minor, so its table has every
      // slot of ABI 1.0; newer slots are checked where they are called.
      if (host == nullptr || host->abi_major != DYNOP_ABI_VERSION_MAJOR ||
          host->struct_size < DYNOP_HOST_SIZE_V1_0) {
        return make_status(
            Status::terminal_error("the host's callback table is not one of plugin ABI " +
                                   std::to_string(DYNOP_ABI_VERSION_MAJOR) + ".x"));
      }
      instance = std::make_unique<Instance<P>>(host);
      instance->plugin = std::make_unique<P>(
          instance->host, config_len ? std::string_view(config, config_len) : std::string_view());
      return make_status(Status::ok());
    });
    if (out_error != nullptr) *out_error = s;
    if (s.code != DYNOP_OK) return nullptr;
    return reinterpret_cast<dynop_plugin*>(instance.release());
  }
  static dynop_status start(dynop_plugin* p) noexcept {
    return guard("start", [&] { return make_status(self<P>(p).plugin->start()); });
  }
  static dynop_status stop(dynop_plugin* p) noexcept {
    return guard("stop", [&] { return make_status(self<P>(p).plugin->stop()); });
  }
  static void destroy(dynop_plugin* p) noexcept { delete &self<P>(p); }

  // ---- reconciler ----
  static dynop_status describe_reconciler(dynop_plugin* p, dynop_reconciler_spec* out) noexcept {
    return guard("describe", [&] {
      Instance<P>& inst = self<P>(p);
      inst.reconciler_spec = inst.plugin->reconciler_spec();
      inst.c_watches.clear();
      inst.c_cache_fields.clear();
      inst.c_cache_fields.reserve(inst.reconciler_spec.watches.size() + 1);
      auto to_c_cache = [&](const CacheSpec& cache) {
        std::vector<dynop_str>& fields = inst.c_cache_fields.emplace_back();
        for (const std::string& f : cache.paths) fields.push_back(to_c(f));
        dynop_cache_spec c{};
        c.mode = static_cast<int32_t>(cache.mode);
        c.writes = cache.writes ? 1 : 0;
        c.fields = fields.empty() ? nullptr : fields.data();
        c.field_count = fields.size();
        return c;
      };
      const dynop_cache_spec primary_cache = to_c_cache(inst.reconciler_spec.primary_cache);
      for (const Watch& w : inst.reconciler_spec.watches) {
        if (w.mapping == WatchMapping::kFunction && !HasMapToPrimary<P>) {
          return make_status(Status::terminal_error(
              "a watch of kind " + w.gvk.kind +
              " uses WatchMapping::kFunction but the plugin has no map_to_primary()"));
        }
        dynop_watch c{};
        c.gvk = to_c_gvk(w.gvk);
        c.mapping = static_cast<int32_t>(w.mapping);
        c.struct_size = sizeof(dynop_watch);
        c.cache = to_c_cache(w.cache);
        inst.c_watches.push_back(c);
      }
      dynop_reconciler_spec spec{};
      spec.primary = to_c_gvk(inst.reconciler_spec.primary);
      spec.watches = inst.c_watches.empty() ? nullptr : inst.c_watches.data();
      spec.watch_count = inst.c_watches.size();
      spec.workers = inst.reconciler_spec.workers;
      spec.primary_cache = primary_cache;
      write_out(out, spec);
      return make_status(Status::ok());
    });
  }
  static dynop_status reconcile(dynop_plugin* p, dynop_key key,
                                dynop_reconcile_result* out) noexcept {
    write_out(out, dynop_reconcile_result{});
    return guard("reconcile", [&] {
      ReconcileResult r = self<P>(p).plugin->reconcile(
          Key{std::string(to_string_view(key.ns)), std::string(to_string_view(key.name))});
      dynop_reconcile_result result{};
      result.requeue_after_ms = r.status().is_ok() ? r.requeue_after_ms() : 0;
      write_out(out, result);
      return make_status(r.status());
    });
  }
  static dynop_status map_to_primary(dynop_plugin* p, size_t watch_index, dynop_str object_json,
                                     dynop_key_list* out) noexcept {
    *out = dynop_key_list{nullptr, 0};
    return guard("map_to_primary", [&] {
      OutBuffers& b = out_buffers();
      b.keys = self<P>(p).plugin->map_to_primary(watch_index, to_string_view(object_json));
      b.c_keys.clear();
      for (const Key& k : b.keys) b.c_keys.push_back(dynop_key{to_c(k.ns), to_c(k.name)});
      *out = dynop_key_list{b.c_keys.data(), b.c_keys.size()};
      return make_status(Status::ok());
    });
  }

  // ---- admission ----
  static dynop_status describe_admission(dynop_plugin* p, dynop_admission_spec* out) noexcept {
    return guard("describe", [&] {
      Instance<P>& inst = self<P>(p);
      inst.admission_spec = inst.plugin->admission_spec();
      inst.c_rules.clear();
      for (const AdmissionRule& r : inst.admission_spec.rules) {
        dynop_admission_rule c{};
        c.group = to_c(r.group);
        c.version = to_c(r.version);
        c.resource = to_c(r.resource);
        c.operations = r.operations;
        c.struct_size = sizeof(dynop_admission_rule);
        inst.c_rules.push_back(c);
      }
      dynop_admission_spec spec{};
      spec.rules = inst.c_rules.empty() ? nullptr : inst.c_rules.data();
      spec.rule_count = inst.c_rules.size();
      write_out(out, spec);
      return make_status(Status::ok());
    });
  }
  static dynop_status review(dynop_plugin* p, dynop_str request_json,
                             dynop_admission_response* out) noexcept {
    write_out(out, dynop_admission_response{});
    return guard("review", [&] {
      OutBuffers& b = out_buffers();
      b.admission = self<P>(p).plugin->review(to_string_view(request_json));
      b.c_warnings.clear();
      for (const std::string& w : b.admission.warnings) b.c_warnings.push_back(to_c(w));
      dynop_admission_response response{};
      response.allowed = b.admission.allowed ? 1 : 0;
      response.http_code = b.admission.http_code;
      response.message = to_c(b.admission.message);
      response.warnings = b.c_warnings.empty() ? nullptr : b.c_warnings.data();
      response.warning_count = b.c_warnings.size();
      write_out(out, response);
      return make_status(Status::ok());
    });
  }

  // ---- placement ----
  static dynop_status describe_placement(dynop_plugin* p, dynop_placement_spec* out) noexcept {
    return guard("describe", [&] {
      Instance<P>& inst = self<P>(p);
      inst.placement_spec = inst.plugin->placement_spec();
      dynop_placement_spec spec{};
      spec.scheduler_name = to_c(inst.placement_spec.scheduler_name);
      spec.nodes_to_score = inst.placement_spec.nodes_to_score;
      write_out(out, spec);
      return make_status(Status::ok());
    });
  }
  static dynop_status pre_filter(dynop_plugin* p, const dynop_cluster_view* cluster,
                                 const dynop_pod_view* pod, dynop_candidate_nodes* out) noexcept {
    return guard("pre_filter", [&] {
      OutBuffers& b = out_buffers();
      b.pre_filter = self<P>(p).plugin->pre_filter(ClusterView(*cluster), PodView(*pod));
      if (!b.pre_filter.status().is_ok()) return make_status(b.pre_filter.status());
      dynop_candidate_nodes c{};
      c.restricted = b.pre_filter.restricted() ? 1 : 0;
      c.nodes = b.pre_filter.nodes().empty() ? nullptr : b.pre_filter.nodes().data();
      c.node_count = b.pre_filter.nodes().size();
      write_out(out, c);
      return make_status(Status::ok());
    });
  }
  static dynop_status filter_nodes(dynop_plugin* p, const dynop_cluster_view* cluster,
                                   const dynop_pod_view* pod, const uint32_t* nodes, size_t count,
                                   uint32_t* out_verdicts, dynop_filter_result* out) noexcept {
    return guard("filter", [&] {
      FilterResults& results = out_buffers().filter;
      results.reset(out_verdicts, count);
      Status s = self<P>(p).plugin->filter(ClusterView(*cluster), PodView(*pod),
                                           std::span<const NodeIndex>(nodes, count), results);
      if (!s.is_ok()) return make_status(s);
      dynop_filter_result r{};
      r.reason_count = results.reason_count();
      r.reasons = results.c_reasons();
      write_out(out, r);
      return make_status(Status::ok());
    });
  }
  static dynop_status score_nodes(dynop_plugin* p, const dynop_cluster_view* cluster,
                                  const dynop_pod_view* pod, const uint32_t* nodes, size_t count,
                                  int64_t* out_scores) noexcept {
    return guard("score", [&] {
      return make_status(self<P>(p).plugin->score(ClusterView(*cluster), PodView(*pod),
                                                  std::span<const NodeIndex>(nodes, count),
                                                  std::span<int64_t>(out_scores, count)));
    });
  }
  static dynop_status reserve_node(dynop_plugin* p, const dynop_cluster_view* cluster,
                                   const dynop_pod_view* pod, uint32_t node) noexcept {
    return guard("reserve", [&] {
      return make_status(self<P>(p).plugin->reserve(ClusterView(*cluster), PodView(*pod), node));
    });
  }
  static dynop_status unreserve_node(dynop_plugin* p, const dynop_cluster_view* cluster,
                                     const dynop_pod_view* pod, uint32_t node) noexcept {
    return guard("unreserve", [&] {
      return make_status(self<P>(p).plugin->unreserve(ClusterView(*cluster), PodView(*pod), node));
    });
  }
  static dynop_status pod_group(dynop_plugin* p, const dynop_pod_view* pod,
                                dynop_pod_group* out) noexcept {
    return guard("pod_group", [&] {
      OutBuffers& b = out_buffers();
      b.pod_group = self<P>(p).plugin->pod_group(PodView(*pod));
      b.c_topology_keys.clear();
      for (const std::string& k : b.pod_group.topology_keys) b.c_topology_keys.push_back(to_c(k));
      dynop_pod_group g{};
      g.name = to_c(b.pod_group.name);
      g.min_member = b.pod_group.min_member;
      g.topology_keys = b.c_topology_keys.empty() ? nullptr : b.c_topology_keys.data();
      g.topology_key_count = b.c_topology_keys.size();
      g.topology_required = b.pod_group.topology_required ? 1 : 0;
      write_out(out, g);
      return make_status(Status::ok());
    });
  }
  static dynop_status node_event(dynop_plugin* p, const dynop_cluster_view* cluster, uint32_t node,
                                 int32_t kind) noexcept {
    return guard("on_node", [&] {
      self<P>(p).plugin->on_node(ClusterView(*cluster), node, static_cast<NodeEvent>(kind));
      return make_status(Status::ok());
    });
  }
  // One C hook, two C++ hooks: on_pod sees only the kinds that concern a
  // node (so a class written for 1.2 and rebuilt never sees PENDING_GONE, nor
  // node DYNOP_NO_NODE), on_pending_gone the pending pods that are gone.
  static dynop_status pod_event(dynop_plugin* p, const dynop_cluster_view* cluster,
                                const dynop_pod_view* pod, uint32_t node, int32_t kind) noexcept {
    if (kind == DYNOP_POD_PENDING_GONE) {
      return guard("on_pending_gone", [&] {
        if constexpr (HasOnPendingGone<P>)
          self<P>(p).plugin->on_pending_gone(ClusterView(*cluster), PodView(*pod));
        return make_status(Status::ok());
      });
    }
    return guard("on_pod", [&] {
      if constexpr (HasOnPod<P>) {
        if (kind == DYNOP_POD_ASSIGNED || kind == DYNOP_POD_UNASSIGNED)
          self<P>(p).plugin->on_pod(ClusterView(*cluster), PodView(*pod), node,
                                    static_cast<PodEvent>(kind));
      }
      return make_status(Status::ok());
    });
  }
  static dynop_status bind(dynop_plugin* p, dynop_str pod, dynop_str node_name) noexcept {
    return guard("bind", [&] {
      return make_status(self<P>(p).plugin->bind(to_string_view(pod), to_string_view(node_name)));
    });
  }

  // ---- autoscaler ----
  static dynop_status describe_autoscaler(dynop_plugin* p, dynop_autoscaler_spec* out) noexcept {
    return guard("describe", [&] {
      AutoscalerSpec spec = self<P>(p).plugin->autoscaler_spec();
      dynop_autoscaler_spec c{};
      c.interval_ms = static_cast<uint32_t>(spec.interval.count());
      write_out(out, c);
      return make_status(Status::ok());
    });
  }
  static dynop_status evaluate(dynop_plugin* p, dynop_scale_decision_list* out) noexcept {
    *out = dynop_scale_decision_list{nullptr, 0};
    return guard("evaluate", [&] {
      OutBuffers& b = out_buffers();
      b.decisions = self<P>(p).plugin->evaluate();
      b.c_decisions.clear();
      for (const ScaleDecision& d : b.decisions) {
        dynop_scale_decision c{};
        c.target = dynop_object_ref{to_c_gvk(d.target.gvk), to_c(d.target.ns), to_c(d.target.name)};
        c.desired_replicas = d.desired_replicas;
        c.reason = to_c(d.reason);
        c.struct_size = sizeof(dynop_scale_decision);
        b.c_decisions.push_back(c);
      }
      *out = dynop_scale_decision_list{b.c_decisions.data(), b.c_decisions.size()};
      return make_status(Status::ok());
    });
  }
};

// The hook tables and descriptor, constant-initialized in the plugin's data.
template <class P>
struct Exported {
  using A = Adapter<P>;

  static constexpr dynop_reconciler_hooks make_reconciler() {
    dynop_reconciler_hooks h{};
    h.struct_size = sizeof(h);
    if constexpr (HasReconcilerSpec<P> && HasReconcile<P>) {
      h.describe = &A::describe_reconciler;
      h.reconcile = &A::reconcile;
      if constexpr (HasMapToPrimary<P>) h.map_to_primary = &A::map_to_primary;
    }
    return h;
  }
  static constexpr dynop_admission_hooks make_admission() {
    dynop_admission_hooks h{};
    h.struct_size = sizeof(h);
    if constexpr (HasAdmissionSpec<P> && HasReview<P>) {
      h.describe = &A::describe_admission;
      h.review = &A::review;
    }
    return h;
  }
  static constexpr dynop_placement_hooks make_placement() {
    dynop_placement_hooks h{};
    h.struct_size = sizeof(h);
    if constexpr (HasPlacementSpec<P> && HasFilter<P> && HasScore<P>) {
      // The typed hooks of 1.2; the JSON filter/score of 1.0 stay NULL.
      h.describe = &A::describe_placement;
      h.filter_nodes = &A::filter_nodes;
      h.score_nodes = &A::score_nodes;
      if constexpr (HasPreFilter<P>) h.pre_filter = &A::pre_filter;
      if constexpr (HasReserve<P> && HasUnreserve<P>) {
        h.reserve_node = &A::reserve_node;
        h.unreserve_node = &A::unreserve_node;
      }
      if constexpr (HasPodGroup<P>) h.pod_group = &A::pod_group;
      if constexpr (HasOnNode<P>) h.node_event = &A::node_event;
      if constexpr (HasOnPod<P> || HasOnPendingGone<P>) h.pod_event = &A::pod_event;
      if constexpr (HasBind<P>) h.bind = &A::bind;
    }
    return h;
  }
  static constexpr dynop_autoscaler_hooks make_autoscaler() {
    dynop_autoscaler_hooks h{};
    h.struct_size = sizeof(h);
    if constexpr (HasAutoscalerSpec<P> && HasEvaluate<P>) {
      h.describe = &A::describe_autoscaler;
      h.evaluate = &A::evaluate;
    }
    return h;
  }
  static constexpr const char* description() {
    if constexpr (requires { P::kDescription; }) {
      return P::kDescription;
    } else {
      return nullptr;
    }
  }

  static constexpr dynop_reconciler_hooks reconciler = make_reconciler();
  static constexpr dynop_admission_hooks admission = make_admission();
  static constexpr dynop_placement_hooks placement = make_placement();
  static constexpr dynop_autoscaler_hooks autoscaler = make_autoscaler();

  static constexpr dynop_plugin_descriptor descriptor{
      sizeof(dynop_plugin_descriptor),
      DYNOP_ABI_VERSION_MAJOR,
      DYNOP_ABI_VERSION_MINOR,
      P::kName,
      P::kVersion,
      description(),
      P::kCapabilities,
      dynop_lifecycle_hooks{&A::init, &A::start, &A::stop, &A::destroy},
      has_capability<P>(kReconciler) ? &reconciler : nullptr,
      has_capability<P>(kAdmission) ? &admission : nullptr,
      has_capability<P>(kPlacement) ? &placement : nullptr,
      has_capability<P>(kAutoscaler) ? &autoscaler : nullptr,
  };

  static const dynop_plugin_descriptor* entry() { return &descriptor; }
};

}  // namespace dynop::sdk::detail

// Exports PluginClass as this shared library's plugin (one per library).
#define DYNOP_PLUGIN(PluginClass)                                        \
  static_assert(::dynop::sdk::detail::check_plugin_class<PluginClass>(), \
                "DYNOP_PLUGIN: see the errors above");                   \
  DYNOP_EXPORT_PLUGIN_ENTRY(::dynop::sdk::detail::Exported<PluginClass>::entry);
