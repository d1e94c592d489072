#pragma once
// A host for plugin unit tests: records log lines and metric updates, answers
// every Kubernetes call with DYNOP_NOT_IMPLEMENTED unless a test overrides the
// slot in table(). Single-threaded use only.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dynop/abi.h"
#include "dynop/sdk/status.hpp"

namespace dynop::sdk::testing {

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
    // Labels rendered as "k=v,k=v" (in the order given) -> value.
    std::map<std::string, double> series;
  };

  FakeHost() {
    table_.struct_size = sizeof(dynop_host);
    table_.abi_major = DYNOP_ABI_VERSION_MAJOR;
    table_.abi_minor = DYNOP_ABI_VERSION_MINOR;
    table_.ctx = reinterpret_cast<dynop_host_context*>(this);
    table_.log = &log;
    table_.metric_register = &metric_register;
    table_.metric_update = &metric_update;
    table_.get_object = [](dynop_host_context*, const dynop_object_ref*, dynop_str*) {
      return not_implemented();
    };
    table_.list_objects = [](dynop_host_context*, const dynop_object_ref*, dynop_str, dynop_str*) {
      return not_implemented();
    };
    table_.create_object = [](dynop_host_context*, const dynop_object_ref*, dynop_str, dynop_str*) {
      return not_implemented();
    };
    table_.update_object = [](dynop_host_context*, const dynop_object_ref*, dynop_str, dynop_str*) {
      return not_implemented();
    };
    table_.patch_object = [](dynop_host_context*, const dynop_object_ref*, int32_t, dynop_str,
                             dynop_str*) { return not_implemented(); };
    table_.delete_object = [](dynop_host_context*, const dynop_object_ref*) {
      return not_implemented();
    };
    table_.update_status = [](dynop_host_context*, const dynop_object_ref*, dynop_str, dynop_str*) {
      return not_implemented();
    };
    table_.get_scale = [](dynop_host_context*, const dynop_object_ref*, dynop_str*) {
      return not_implemented();
    };
    table_.update_scale = [](dynop_host_context*, const dynop_object_ref*, int32_t, dynop_str*) {
      return not_implemented();
    };
    table_.record_event = [](dynop_host_context*, const dynop_object_ref*, int32_t, dynop_str,
                             dynop_str) { return not_implemented(); };
    table_.requeue_after = [](dynop_host_context*, dynop_key, uint64_t) {
      return not_implemented();
    };
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  dynop_host& table() { return table_; }
  const dynop_host* raw() const { return &table_; }
  const std::vector<LogLine>& logs() const { return logs_; }
  const std::vector<MetricFamily>& metrics() const { return families_; }

 private:
  static FakeHost& self(dynop_host_context* ctx) { return *reinterpret_cast<FakeHost*>(ctx); }
  static dynop_status not_implemented() {
    static constexpr char kMessage[] = "not implemented by the fake host";
    return dynop_status{DYNOP_NOT_IMPLEMENTED, {kMessage, sizeof(kMessage) - 1}};
  }
  static dynop_status invalid(const char* message) {
    return dynop_status{DYNOP_INVALID_ARGUMENT, to_c(message)};
  }
  static void log(dynop_host_context* ctx, int32_t level, dynop_str message) {
    self(ctx).logs_.push_back(LogLine{level, std::string(to_string_view(message))});
  }
  static dynop_status metric_register(dynop_host_context* ctx, int32_t type, dynop_str name,
                                      dynop_str help, const double*, size_t, dynop_metric* out) {
    FakeHost& h = self(ctx);
    for (size_t i = 0; i < h.families_.size(); ++i) {
      if (h.families_[i].name == to_string_view(name)) {
        if (h.families_[i].type != type)
          return invalid("metric name already used with another type");
        *out = i + 1;
        return dynop_status{DYNOP_OK, {nullptr, 0}};
      }
    }
    h.families_.push_back(MetricFamily{
        type, std::string(to_string_view(name)), std::string(to_string_view(help)), {}});
    *out = h.families_.size();
    return dynop_status{DYNOP_OK, {nullptr, 0}};
  }
  static dynop_status metric_update(dynop_host_context* ctx, dynop_metric metric, int32_t op,
                                    const dynop_label* labels, size_t label_count, double value) {
    FakeHost& h = self(ctx);
    if (metric == 0 || metric > h.families_.size()) return invalid("unknown metric handle");
    std::string key;
    for (size_t i = 0; i < label_count; ++i) {
      if (i) key += ',';
      key += std::string(to_string_view(labels[i].name)) + "=" +
             std::string(to_string_view(labels[i].value));
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
        break;  // counts observations
      default:
        return invalid("unknown metric op");
    }
    return dynop_status{DYNOP_OK, {nullptr, 0}};
  }

  dynop_host table_{};
  std::vector<LogLine> logs_;
  std::vector<MetricFamily> families_;
};

}  // namespace dynop::sdk::testing
