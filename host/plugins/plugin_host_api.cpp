#include "host/plugins/plugin_host_api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <string_view>
#include <utility>

namespace dynop::host {
namespace {

std::string_view view(dynop_str s) { return s.size ? std::string_view(s.data, s.size) : ""; }

// [host-out] messages: valid until the next callback on the same thread.
dynop_status status(int32_t code, std::string message) {
  thread_local std::string buffer;
  buffer = std::move(message);
  return dynop_status{code, {buffer.data(), buffer.size()}};
}

dynop_status ok() { return dynop_status{DYNOP_OK, {nullptr, 0}}; }

PluginServices& default_services() {
  static PluginServices services;  // every method: not implemented
  return services;
}

ObjectRefView ref_view(const dynop_object_ref* r) {
  return ObjectRefView{view(r->gvk.group), view(r->gvk.version), view(r->gvk.kind), view(r->ns),
                       view(r->name)};
}

// Turns a service answer into the C status, keeping the JSON in a
// thread-local buffer ([host-out]: valid until the next callback).
dynop_status answer(ServiceResult result, dynop_str* out_json) {
  if (result.code != DYNOP_OK) return status(result.code, std::move(result.message));
  if (out_json != nullptr) {
    thread_local std::string json;
    json = std::move(result.json);
    *out_json = dynop_str{json.data(), json.size()};
  }
  return ok();
}

// Runs a service call; an exception from the host side becomes DYNOP_ERROR
// rather than unwinding into plugin code.
template <class F>
dynop_status forward(dynop_str* out_json, F&& call) noexcept {
  try {
    if (out_json != nullptr) *out_json = dynop_str{nullptr, 0};
    return answer(call(), out_json);
  } catch (const std::exception& e) {
    return status(DYNOP_ERROR, e.what());
  } catch (...) {
    return status(DYNOP_ERROR, "internal error in the host");
  }
}

// The answer of a Prometheus slot, laid out in thread-local [host-out]
// memory (valid until the next callback on the thread); only the fields
// within the plugin's struct_size are written.
dynop_status prometheus_answer(PromAnswer answer, dynop_prom_result* out) {
  if (answer.code != DYNOP_OK) return status(answer.code, std::move(answer.message));
  struct Buffers {
    PromAnswer answer;
    std::vector<std::vector<dynop_label>> labels;
    std::vector<dynop_prom_series> series;
    std::vector<dynop_str> warnings;
  };
  thread_local Buffers b;
  b.answer = std::move(answer);
  b.labels.assign(b.answer.series.size(), {});
  b.series.clear();
  for (std::size_t i = 0; i < b.answer.series.size(); ++i) {
    PromSeriesData& data = b.answer.series[i];
    for (const auto& [name, value] : data.labels)
      b.labels[i].push_back(dynop_label{{name.data(), name.size()}, {value.data(), value.size()}});
    dynop_prom_series s{};
    s.struct_size = sizeof(s);
    s.labels = b.labels[i].data();
    s.label_count = b.labels[i].size();
    s.points = data.points.data();
    s.point_count = data.points.size();
    b.series.push_back(s);
  }
  b.warnings.clear();
  for (const std::string& w : b.answer.warnings)
    b.warnings.push_back(dynop_str{w.data(), w.size()});
  dynop_prom_result result{};
  result.struct_size = out->struct_size;
  result.result_type = b.answer.result_type;
  result.series = b.series.empty() ? nullptr : b.series.data();
  result.series_count = b.series.size();
  result.string_value = dynop_str{b.answer.string_value.data(), b.answer.string_value.size()};
  result.warnings = b.warnings.empty() ? nullptr : b.warnings.data();
  result.warning_count = b.warnings.size();
  std::memcpy(static_cast<void*>(out), &result, std::min(sizeof(result), out->struct_size));
  return ok();
}

// What a plugin's dynop_prom_result must at least hold: the fields of 1.2.
constexpr std::size_t kPromResultMinSize = DYNOP_FIELD_END(dynop_prom_result, warning_count);

template <class F>
dynop_status prometheus_call(PrometheusSource* source, dynop_prom_result* out, F&& call) noexcept {
  try {
    if (out == nullptr || out->struct_size < kPromResultMinSize) {
      return status(DYNOP_INVALID_ARGUMENT,
                    "the dynop_prom_result needs struct_size set to its sizeof (at least " +
                        std::to_string(kPromResultMinSize) + ")");
    }
    if (source == nullptr) {
      return status(DYNOP_NOT_IMPLEMENTED,
                    "this host has no Prometheus configured: set prometheus.url in its "
                    "configuration file or pass --prometheus-url");
    }
    return prometheus_answer(call(*source), out);
  } catch (const std::exception& e) {
    return status(DYNOP_ERROR, e.what());
  } catch (...) {
    return status(DYNOP_ERROR, "internal error in the host");
  }
}

spdlog::level::level_enum to_spdlog(int32_t level) {
  switch (level) {
    case DYNOP_LOG_TRACE:
      return spdlog::level::trace;
    case DYNOP_LOG_DEBUG:
      return spdlog::level::debug;
    case DYNOP_LOG_INFO:
      return spdlog::level::info;
    case DYNOP_LOG_WARN:
      return spdlog::level::warn;
    default:
      return spdlog::level::err;
  }
}

// Prometheus' default buckets, for histograms registered without any.
const std::vector<double> kDefaultBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5,   1,    2.5,   5,    10};

}  // namespace

PluginHostApi::PluginHostApi(std::string plugin_name, metrics::Registry& registry,
                             PluginServices* services, PrometheusSource* prometheus)
    : plugin_name_(std::move(plugin_name)),
      registry_(registry),
      services_(services != nullptr ? services : &default_services()),
      prometheus_(prometheus) {
  table_.struct_size = sizeof(dynop_host);
  table_.abi_major = DYNOP_ABI_VERSION_MAJOR;
  table_.abi_minor = DYNOP_ABI_VERSION_MINOR;
  table_.ctx = reinterpret_cast<dynop_host_context*>(this);
  table_.log = &PluginHostApi::log;
  table_.metric_register = &PluginHostApi::metric_register;
  table_.metric_update = &PluginHostApi::metric_update;
  install_service_slots();
  install_prometheus_slots();
}

PluginHostApi& PluginHostApi::self(dynop_host_context* ctx) {
  return *reinterpret_cast<PluginHostApi*>(ctx);
}

void PluginHostApi::install_service_slots() {
  table_.get_object = [](dynop_host_context* ctx, const dynop_object_ref* ref, dynop_str* out) {
    PluginHostApi& api = self(ctx);
    return forward(out, [&] { return api.services_->get_object(api.plugin_name_, ref_view(ref)); });
  };
  table_.list_objects = [](dynop_host_context* ctx, const dynop_object_ref* ref, dynop_str selector,
                           dynop_str* out) {
    PluginHostApi& api = self(ctx);
    return forward(out, [&] {
      return api.services_->list_objects(api.plugin_name_, ref_view(ref), view(selector));
    });
  };
  table_.create_object = [](dynop_host_context* ctx, const dynop_object_ref* ref, dynop_str json,
                            dynop_str* out) {
    PluginHostApi& api = self(ctx);
    return forward(out, [&] {
      return api.services_->create_object(api.plugin_name_, ref_view(ref), view(json));
    });
  };
  table_.update_object = [](dynop_host_context* ctx, const dynop_object_ref* ref, dynop_str json,
                            dynop_str* out) {
    PluginHostApi& api = self(ctx);
    return forward(out, [&] {
      return api.services_->update_object(api.plugin_name_, ref_view(ref), view(json));
    });
  };
  table_.patch_object = [](dynop_host_context* ctx, const dynop_object_ref* ref, int32_t type,
                           dynop_str patch, dynop_str* out) {
    PluginHostApi& api = self(ctx);
    if (type < DYNOP_PATCH_MERGE || type > DYNOP_PATCH_STRATEGIC_MERGE) {
      return status(DYNOP_INVALID_ARGUMENT, "unknown patch type " + std::to_string(type));
    }
    return forward(out, [&] {
      return api.services_->patch_object(api.plugin_name_, ref_view(ref),
                                         static_cast<dynop_patch_type>(type), view(patch));
    });
  };
  table_.delete_object = [](dynop_host_context* ctx, const dynop_object_ref* ref) {
    PluginHostApi& api = self(ctx);
    return forward(nullptr,
                   [&] { return api.services_->delete_object(api.plugin_name_, ref_view(ref)); });
  };
  table_.update_status = [](dynop_host_context* ctx, const dynop_object_ref* ref, dynop_str json,
                            dynop_str* out) {
    PluginHostApi& api = self(ctx);
    return forward(out, [&] {
      return api.services_->update_status(api.plugin_name_, ref_view(ref), view(json));
    });
  };
  table_.get_scale = [](dynop_host_context* ctx, const dynop_object_ref* ref, dynop_str* out) {
    PluginHostApi& api = self(ctx);
    return forward(out, [&] { return api.services_->get_scale(api.plugin_name_, ref_view(ref)); });
  };
  table_.update_scale = [](dynop_host_context* ctx, const dynop_object_ref* ref, int32_t replicas,
                           dynop_str* out) {
    PluginHostApi& api = self(ctx);
    return forward(out, [&] {
      return api.services_->update_scale(api.plugin_name_, ref_view(ref), replicas);
    });
  };
  table_.record_event = [](dynop_host_context* ctx, const dynop_object_ref* involved, int32_t type,
                           dynop_str reason, dynop_str message) {
    PluginHostApi& api = self(ctx);
    return forward(nullptr, [&] {
      return api.services_->record_event(
          api.plugin_name_, ref_view(involved),
          type == DYNOP_EVENT_WARNING ? DYNOP_EVENT_WARNING : DYNOP_EVENT_NORMAL, view(reason),
          view(message));
    });
  };
  table_.requeue_after = [](dynop_host_context* ctx, dynop_key key, uint64_t delay_ms) {
    PluginHostApi& api = self(ctx);
    return forward(nullptr, [&] {
      return api.services_->requeue_after(api.plugin_name_, view(key.ns), view(key.name), delay_ms);
    });
  };
}

void PluginHostApi::install_prometheus_slots() {
  table_.prometheus_query = [](dynop_host_context* ctx, dynop_str query, double time,
                               dynop_prom_result* out) {
    PluginHostApi& api = self(ctx);
    return prometheus_call(api.prometheus_, out, [&](PrometheusSource& source) {
      return source.query(view(query), time);
    });
  };
  table_.prometheus_query_range = [](dynop_host_context* ctx, dynop_str query, double start,
                                     double end, double step, dynop_prom_result* out) {
    PluginHostApi& api = self(ctx);
    return prometheus_call(api.prometheus_, out, [&](PrometheusSource& source) {
      if (!(step > 0) || !(end >= start)) {
        return PromAnswer::error(DYNOP_INVALID_ARGUMENT,
                                 "a range query needs step > 0 and end >= start");
      }
      return source.query_range(view(query), start, end, step);
    });
  };
}

void PluginHostApi::log(dynop_host_context* ctx, int32_t level, dynop_str message) {
  try {
    spdlog::log(to_spdlog(level), "plugin {}: {}", self(ctx).plugin_name_, view(message));
  } catch (...) {
    // Logging must never throw into a plugin.
  }
}

dynop_status PluginHostApi::metric_register(dynop_host_context* ctx, int32_t type, dynop_str name,
                                            dynop_str help, const double* buckets,
                                            size_t bucket_count, dynop_metric* out) {
  if (out == nullptr) return status(DYNOP_INVALID_ARGUMENT, "metric_register: out is NULL");
  *out = 0;
  PluginHostApi& api = self(ctx);
  try {
    std::lock_guard lock(api.mutex_);
    const std::string metric_name(view(name));
    for (size_t i = 0; i < api.families_.size(); ++i) {
      if (api.families_[i].name == metric_name && api.families_[i].type == type) {
        *out = i + 1;
        return ok();
      }
    }
    MetricFamily family{type, metric_name, {}, {}, {}};
    switch (type) {
      case DYNOP_METRIC_COUNTER:
        family.counter = api.registry_.counter(metric_name, std::string(view(help)));
        break;
      case DYNOP_METRIC_GAUGE:
        family.gauge = api.registry_.gauge(metric_name, std::string(view(help)));
        break;
      case DYNOP_METRIC_HISTOGRAM:
        family.histogram = api.registry_.histogram(
            metric_name, std::string(view(help)),
            bucket_count ? std::vector<double>(buckets, buckets + bucket_count) : kDefaultBuckets);
        break;
      default:
        return status(DYNOP_INVALID_ARGUMENT,
                      "metric " + metric_name + ": unknown metric type " + std::to_string(type));
    }
    api.families_.push_back(std::move(family));
    *out = api.families_.size();
    return ok();
  } catch (const std::exception& e) {
    // The registry rejects bad names and a name taken by another type.
    return status(DYNOP_INVALID_ARGUMENT, e.what());
  }
}

dynop_status PluginHostApi::metric_update(dynop_host_context* ctx, dynop_metric metric, int32_t op,
                                          const dynop_label* labels, size_t label_count,
                                          double value) {
  PluginHostApi& api = self(ctx);
  std::optional<MetricFamily> found;
  {
    std::lock_guard lock(api.mutex_);
    if (metric == 0 || metric > api.families_.size()) {
      return status(DYNOP_INVALID_ARGUMENT, "unknown metric handle " + std::to_string(metric));
    }
    found = api.families_[metric - 1];
  }
  const MetricFamily& family = *found;
  try {
    metrics::Labels label_set;
    for (size_t i = 0; i < label_count; ++i) {
      if (!label_set.emplace(std::string(view(labels[i].name)), std::string(view(labels[i].value)))
               .second) {
        return status(DYNOP_INVALID_ARGUMENT, "metric " + family.name + ": label \"" +
                                                  std::string(view(labels[i].name)) +
                                                  "\" given twice");
      }
    }
    if (family.counter && op == DYNOP_METRIC_INC) {
      family.counter->with(label_set).Increment(value);
    } else if (family.gauge && op == DYNOP_METRIC_SET) {
      family.gauge->with(label_set).Set(value);
    } else if (family.gauge && op == DYNOP_METRIC_INC) {
      family.gauge->with(label_set).Increment(value);
    } else if (family.gauge && op == DYNOP_METRIC_DEC) {
      family.gauge->with(label_set).Decrement(value);
    } else if (family.histogram && op == DYNOP_METRIC_OBSERVE) {
      family.histogram->with(label_set).Observe(value);
    } else {
      return status(DYNOP_INVALID_ARGUMENT, "metric " + family.name + ": operation " +
                                                std::to_string(op) + " does not suit its type");
    }
    return ok();
  } catch (const std::exception& e) {
    // The registry's messages name the metric already.
    return status(DYNOP_INVALID_ARGUMENT, e.what());
  }
}

}  // namespace dynop::host
