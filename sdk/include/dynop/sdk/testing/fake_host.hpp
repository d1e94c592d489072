#pragma once
// A host for plugin unit tests, standing in for the dynop host behind the C
// ABI: records log lines, metric updates, writes, events and requeues, and
// serves get/list from an in-memory object store the test fills. Hand
// `raw()` to a plugin's init (or build a dynop::sdk::Host from it).
//
//   dynop::sdk::testing::FakeHost host;
//   host.put({{"nvidia.com", "v1alpha1", "DynamoGraphDeployment"}, "default", "g"}, json);
//   MyPlugin plugin(host.host(), "config: yaml");
//   plugin.reconcile({"default", "g"});
//   EXPECT_EQ(host.writes().size(), 1u);
//
// Single-threaded use only. Objects are stored verbatim (no validation, no
// resourceVersion handling); list ignores label selectors unless a test sets
// `list_filter`. Prometheus queries are answered by `prometheus`, a function
// the test sets (unset: kNotImplemented, like a host without Prometheus).
// Any slot can be replaced through table() for error paths.

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "dynop/abi.h"
#include "dynop/sdk/host.hpp"
#include "dynop/sdk/status.hpp"
#include "dynop/sdk/types.hpp"

namespace dynop::sdk::testing {

// What a host hands a hook to fill ("out" structs in abi.h): zeroed, with
// struct_size set, as the real host does. For tests that call hooks through
// the C ABI:
//   auto spec = out_struct<dynop_reconciler_spec>();
//   descriptor->reconciler->describe(instance, &spec);
template <class T>
T out_struct() {
  T out{};
  out.struct_size = sizeof(T);
  return out;
}

class FakeHost {
 public:
  struct LogLine {
    int32_t level;
    std::string message;
  };
  struct MetricFamily {
    int32_t type;
    std::string name;
    std::string help;
    // Labels rendered as "k=v,k=v" (in the order given) -> value (for
    // histograms: the number of observations).
    std::map<std::string, double> series;
  };
  // One call of a write callback. verb: create, update, patch, delete,
  // update_status, update_scale. body: the JSON sent (patch: the patch; for
  // update_scale: the replica count as text).
  struct Write {
    std::string verb;
    ObjectRef ref;
    std::string body;
    int32_t patch_type = -1;
  };
  struct Event {
    ObjectRef involved;
    int32_t type;
    std::string reason;
    std::string message;
  };
  struct Requeue {
    Key key;
    uint64_t delay_ms;
  };
  // One Prometheus call: an instant query (range false; time 0 is "now") or
  // a range query.
  struct PromQuery {
    std::string promql;
    bool range = false;
    double time = 0;
    double start = 0;
    double end = 0;
    double step = 0;
  };

  FakeHost() : host_(&table_) {
    table_.struct_size = sizeof(dynop_host);
    table_.abi_major = DYNOP_ABI_VERSION_MAJOR;
    table_.abi_minor = DYNOP_ABI_VERSION_MINOR;
    table_.ctx = reinterpret_cast<dynop_host_context*>(this);
    table_.log = &log;
    table_.metric_register = &metric_register;
    table_.metric_update = &metric_update;
    table_.get_object = &get_object;
    table_.list_objects = &list_objects;
    table_.create_object = &create_object;
    table_.update_object = &update_object;
    table_.patch_object = &patch_object;
    table_.delete_object = &delete_object;
    table_.update_status = &update_status;
    table_.get_scale = [](dynop_host_context*, const dynop_object_ref*, dynop_str*) {
      return not_implemented();
    };
    table_.update_scale = &update_scale;
    table_.record_event = &record_event;
    table_.requeue_after = &requeue_after;
    table_.prometheus_query = &prometheus_query;
    table_.prometheus_query_range = &prometheus_query_range;
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  // The C table (mutable, to swap a slot for an error path) and the C++ view.
  dynop_host& table() { return table_; }
  const dynop_host* raw() const { return &table_; }
  Host& host() { return host_; }

  // The object store behind get/list; create/update/delete change it too.
  void put(const ObjectRef& ref, std::string json) { objects_[key_of(ref)] = std::move(json); }
  void erase(const ObjectRef& ref) { objects_.erase(key_of(ref)); }
  std::optional<std::string> object(const ObjectRef& ref) const {
    auto it = objects_.find(key_of(ref));
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }
  // Optional: decides whether an object's JSON matches a label selector.
  std::function<bool(std::string_view object_json, std::string_view selector)> list_filter;
  // Answers Prometheus queries; every call is recorded in prom_queries().
  std::function<Result<PromResult>(const PromQuery&)> prometheus;

  const std::vector<LogLine>& logs() const { return logs_; }
  const std::vector<MetricFamily>& metrics() const { return families_; }
  const std::vector<Write>& writes() const { return writes_; }
  const std::vector<Event>& events() const { return events_; }
  const std::vector<Requeue>& requeues() const { return requeues_; }
  const std::vector<PromQuery>& prom_queries() const { return prom_queries_; }
  void clear_recorded() {
    logs_.clear();
    writes_.clear();
    events_.clear();
    requeues_.clear();
    prom_queries_.clear();
  }

 private:
  // group, kind, namespace, name (the version is irrelevant to identity).
  using StoreKey = std::tuple<std::string, std::string, std::string, std::string>;

  static StoreKey key_of(const ObjectRef& r) { return {r.gvk.group, r.gvk.kind, r.ns, r.name}; }
  static std::string s(dynop_str v) { return std::string(to_string_view(v)); }
  static ObjectRef ref_of(const dynop_object_ref* r) {
    return ObjectRef{Gvk{s(r->gvk.group), s(r->gvk.version), s(r->gvk.kind)}, s(r->ns), s(r->name)};
  }
  static FakeHost& self(dynop_host_context* ctx) { return *reinterpret_cast<FakeHost*>(ctx); }
  static dynop_status ok() { return dynop_status{DYNOP_OK, {nullptr, 0}}; }
  static dynop_status not_implemented() {
    static constexpr char kMessage[] = "not implemented by the fake host";
    return dynop_status{DYNOP_NOT_IMPLEMENTED, {kMessage, sizeof(kMessage) - 1}};
  }
  static dynop_status fail(int32_t code, const char* message) {
    return dynop_status{code, to_c(message)};
  }
  // [host-out]: valid until the next callback.
  dynop_str hold(std::string value) {
    out_ = std::move(value);
    return dynop_str{out_.data(), out_.size()};
  }

  static void log(dynop_host_context* ctx, int32_t level, dynop_str message) {
    self(ctx).logs_.push_back(LogLine{level, s(message)});
  }
  static dynop_status metric_register(dynop_host_context* ctx, int32_t type, dynop_str name,
                                      dynop_str help, const double*, size_t, dynop_metric* out) {
    FakeHost& h = self(ctx);
    for (size_t i = 0; i < h.families_.size(); ++i) {
      if (h.families_[i].name == to_string_view(name)) {
        if (h.families_[i].type != type) {
          return fail(DYNOP_INVALID_ARGUMENT, "metric name already used with another type");
        }
        *out = i + 1;
        return ok();
      }
    }
    h.families_.push_back(MetricFamily{type, s(name), s(help), {}});
    *out = h.families_.size();
    return ok();
  }
  static dynop_status metric_update(dynop_host_context* ctx, dynop_metric metric, int32_t op,
                                    const dynop_label* labels, size_t label_count, double value) {
    FakeHost& h = self(ctx);
    if (metric == 0 || metric > h.families_.size()) {
      return fail(DYNOP_INVALID_ARGUMENT, "unknown metric handle");
    }
    std::string key;
    for (size_t i = 0; i < label_count; ++i) {
      if (i) key += ',';
      key += s(labels[i].name) + "=" + s(labels[i].value);
    }
    double& v = h.families_[metric - 1].series[key];
    switch (op) {
      case DYNOP_METRIC_INC:
        v += value;
        break;
      case DYNOP_METRIC_DEC:
        v -= value;
        break;
      case DYNOP_METRIC_SET:
        v = value;
        break;
      case DYNOP_METRIC_OBSERVE:
        v += 1;
        break;
      default:
        return fail(DYNOP_INVALID_ARGUMENT, "unknown metric op");
    }
    return ok();
  }
  static dynop_status get_object(dynop_host_context* ctx, const dynop_object_ref* ref,
                                 dynop_str* out) {
    FakeHost& h = self(ctx);
    auto it = h.objects_.find(key_of(ref_of(ref)));
    if (it == h.objects_.end()) return fail(DYNOP_NOT_FOUND, "not found in the fake host");
    *out = h.hold(it->second);
    return ok();
  }
  static dynop_status list_objects(dynop_host_context* ctx, const dynop_object_ref* ref,
                                   dynop_str selector, dynop_str* out) {
    FakeHost& h = self(ctx);
    const ObjectRef want = ref_of(ref);
    std::string array = "[";
    for (const auto& [key, json] : h.objects_) {
      const auto& [group, kind, ns, name] = key;
      if (group != want.gvk.group || kind != want.gvk.kind) continue;
      if (!want.ns.empty() && ns != want.ns) continue;
      if (selector.size && h.list_filter && !h.list_filter(json, to_string_view(selector))) {
        continue;
      }
      if (array.size() > 1) array += ',';
      array += json;
    }
    array += ']';
    *out = h.hold(std::move(array));
    return ok();
  }
  static dynop_status record_write(dynop_host_context* ctx, const char* verb,
                                   const dynop_object_ref* ref, std::string body, dynop_str* out,
                                   int32_t patch_type = -1) {
    FakeHost& h = self(ctx);
    h.writes_.push_back(Write{verb, ref_of(ref), body, patch_type});
    if (out != nullptr) *out = h.hold(std::move(body));
    return ok();
  }
  static dynop_status create_object(dynop_host_context* ctx, const dynop_object_ref* ref,
                                    dynop_str json, dynop_str* out) {
    FakeHost& h = self(ctx);
    // Without a name (metadata.generateName) the object is recorded, not stored.
    if (ref->name.size) {
      auto [it, inserted] = h.objects_.try_emplace(key_of(ref_of(ref)), s(json));
      if (!inserted) return fail(DYNOP_CONFLICT, "already exists in the fake host");
    }
    return record_write(ctx, "create", ref, s(json), out);
  }
  static dynop_status update_object(dynop_host_context* ctx, const dynop_object_ref* ref,
                                    dynop_str json, dynop_str* out) {
    FakeHost& h = self(ctx);
    auto it = h.objects_.find(key_of(ref_of(ref)));
    if (it == h.objects_.end()) return fail(DYNOP_NOT_FOUND, "not found in the fake host");
    it->second = s(json);
    return record_write(ctx, "update", ref, s(json), out);
  }
  static dynop_status patch_object(dynop_host_context* ctx, const dynop_object_ref* ref,
                                   int32_t type, dynop_str patch, dynop_str* out) {
    // The patch is recorded, not applied: the fake does not merge JSON.
    return record_write(ctx, "patch", ref, s(patch), out, type);
  }
  static dynop_status delete_object(dynop_host_context* ctx, const dynop_object_ref* ref) {
    FakeHost& h = self(ctx);
    if (h.objects_.erase(key_of(ref_of(ref))) == 0) {
      return fail(DYNOP_NOT_FOUND, "not found in the fake host");
    }
    return record_write(ctx, "delete", ref, "", nullptr);
  }
  static dynop_status update_status(dynop_host_context* ctx, const dynop_object_ref* ref,
                                    dynop_str json, dynop_str* out) {
    return record_write(ctx, "update_status", ref, s(json), out);
  }
  static dynop_status update_scale(dynop_host_context* ctx, const dynop_object_ref* ref,
                                   int32_t replicas, dynop_str* out) {
    return record_write(ctx, "update_scale", ref, std::to_string(replicas), out);
  }
  static dynop_status record_event(dynop_host_context* ctx, const dynop_object_ref* involved,
                                   int32_t type, dynop_str reason, dynop_str message) {
    self(ctx).events_.push_back(Event{ref_of(involved), type, s(reason), s(message)});
    return ok();
  }
  static dynop_status requeue_after(dynop_host_context* ctx, dynop_key key, uint64_t delay_ms) {
    self(ctx).requeues_.push_back(Requeue{Key{s(key.ns), s(key.name)}, delay_ms});
    return ok();
  }

  static dynop_status prometheus_query(dynop_host_context* ctx, dynop_str query, double time,
                                       dynop_prom_result* out) {
    PromQuery q;
    q.promql = s(query);
    q.time = time;
    return self(ctx).answer_prometheus(q, out);
  }
  static dynop_status prometheus_query_range(dynop_host_context* ctx, dynop_str query, double start,
                                             double end, double step, dynop_prom_result* out) {
    PromQuery q{s(query), true, 0, start, end, step};
    return self(ctx).answer_prometheus(q, out);
  }
  // Lays the handler's answer out as the host does ([host-out] memory kept
  // until the next call).
  dynop_status answer_prometheus(const PromQuery& q, dynop_prom_result* out) {
    prom_queries_.push_back(q);
    if (!prometheus) return not_implemented();
    prom_answer_ = prometheus(q);
    if (!prom_answer_.is_ok()) {
      out_ = prom_answer_.status.message();
      return dynop_status{static_cast<int32_t>(prom_answer_.status.code()), to_c(out_)};
    }
    const PromResult& r = prom_answer_.value;
    prom_labels_.assign(r.series.size(), {});
    prom_points_.assign(r.series.size(), {});
    prom_series_.clear();
    for (size_t i = 0; i < r.series.size(); ++i) {
      for (const auto& [name, value] : r.series[i].labels)
        prom_labels_[i].push_back(dynop_label{to_c(name), to_c(value)});
      for (const PromPoint& p : r.series[i].points)
        prom_points_[i].push_back(dynop_prom_point{p.timestamp, p.value});
      dynop_prom_series c{};
      c.struct_size = sizeof(c);
      c.labels = prom_labels_[i].data();
      c.label_count = prom_labels_[i].size();
      c.points = prom_points_[i].data();
      c.point_count = prom_points_[i].size();
      prom_series_.push_back(c);
    }
    prom_warnings_.clear();
    for (const std::string& w : r.warnings) prom_warnings_.push_back(to_c(w));
    dynop_prom_result result{};
    result.struct_size = out->struct_size;
    result.result_type = static_cast<int32_t>(r.type);
    result.series = prom_series_.data();
    result.series_count = prom_series_.size();
    result.string_value = to_c(r.string_value);
    result.warnings = prom_warnings_.data();
    result.warning_count = prom_warnings_.size();
    std::memcpy(static_cast<void*>(out), &result, std::min(sizeof(result), out->struct_size));
    return ok();
  }

  dynop_host table_{};
  Host host_;
  std::string out_;
  std::map<StoreKey, std::string> objects_;
  std::vector<LogLine> logs_;
  std::vector<MetricFamily> families_;
  std::vector<Write> writes_;
  std::vector<Event> events_;
  std::vector<Requeue> requeues_;
  std::vector<PromQuery> prom_queries_;
  Result<PromResult> prom_answer_;
  std::vector<std::vector<dynop_label>> prom_labels_;
  std::vector<std::vector<dynop_prom_point>> prom_points_;
  std::vector<dynop_prom_series> prom_series_;
  std::vector<dynop_str> prom_warnings_;
};

}  // namespace dynop::sdk::testing
