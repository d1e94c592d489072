#pragma once
// Typed wrappers over the host callback table (dynop_host): logging, metrics,
// the host's Kubernetes client and its Prometheus (prometheus.hpp). They are
// cheap views: copy them freely; they stay valid until the plugin is
// destroyed.
//
// A call whose slot the host's table lacks (a host of an older minor than
// the slot, see DYNOP_HOST_HAS in abi.h) answers StatusCode::kNotImplemented
// without calling anything. The slots of ABI 1.0 are in every host's table
// (the SDK checks that at init).

#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dynop/abi.h"
#include "dynop/sdk/prometheus.hpp"
#include "dynop/sdk/result.hpp"
#include "dynop/sdk/status.hpp"
#include "dynop/sdk/types.hpp"

namespace dynop::sdk {

class Logger {
 public:
  explicit Logger(const dynop_host* host) : host_(host) {}
  void trace(std::string_view message) const { log(DYNOP_LOG_TRACE, message); }
  void debug(std::string_view message) const { log(DYNOP_LOG_DEBUG, message); }
  void info(std::string_view message) const { log(DYNOP_LOG_INFO, message); }
  void warn(std::string_view message) const { log(DYNOP_LOG_WARN, message); }
  void error(std::string_view message) const { log(DYNOP_LOG_ERROR, message); }
  void log(dynop_log_level level, std::string_view message) const {
    host_->log(host_->ctx, level, to_c(message));
  }

 private:
  const dynop_host* host_;
};

struct Label {
  std::string_view name;
  std::string_view value;
};
using Labels = std::initializer_list<Label>;

namespace detail {
inline Status update_metric(const dynop_host* host, dynop_metric handle, dynop_metric_op op,
                            Labels labels, double value) {
  // Small fixed buffer: metric updates sit on hot paths.
  dynop_label raw[16];
  if (labels.size() > 16) return Status(StatusCode::kInvalidArgument, "more than 16 labels");
  size_t n = 0;
  for (const Label& l : labels) raw[n++] = dynop_label{to_c(l.name), to_c(l.value)};
  return Status::from_c(host->metric_update(host->ctx, handle, op, raw, n, value));
}
}  // namespace detail

class Counter {
 public:
  Counter(const dynop_host* host, dynop_metric handle) : host_(host), handle_(handle) {}
  Status inc(double value = 1, Labels labels = {}) const {
    return detail::update_metric(host_, handle_, DYNOP_METRIC_INC, labels, value);
  }
  Status inc(Labels labels) const { return inc(1, labels); }

 private:
  const dynop_host* host_;
  dynop_metric handle_;
};

class Gauge {
 public:
  Gauge(const dynop_host* host, dynop_metric handle) : host_(host), handle_(handle) {}
  Status set(double value, Labels labels = {}) const {
    return detail::update_metric(host_, handle_, DYNOP_METRIC_SET, labels, value);
  }
  Status inc(double value = 1, Labels labels = {}) const {
    return detail::update_metric(host_, handle_, DYNOP_METRIC_INC, labels, value);
  }
  Status dec(double value = 1, Labels labels = {}) const {
    return detail::update_metric(host_, handle_, DYNOP_METRIC_DEC, labels, value);
  }

 private:
  const dynop_host* host_;
  dynop_metric handle_;
};

class Histogram {
 public:
  Histogram(const dynop_host* host, dynop_metric handle) : host_(host), handle_(handle) {}
  Status observe(double value, Labels labels = {}) const {
    return detail::update_metric(host_, handle_, DYNOP_METRIC_OBSERVE, labels, value);
  }

 private:
  const dynop_host* host_;
  dynop_metric handle_;
};

// Registration throws std::runtime_error with the host's message (bad name,
// name taken by another type): do it in the constructor, where the SDK turns
// the exception into an init failure.
class Metrics {
 public:
  explicit Metrics(const dynop_host* host) : host_(host) {}
  Counter counter(std::string_view name, std::string_view help) const {
    return Counter(host_, register_family(DYNOP_METRIC_COUNTER, name, help, {}));
  }
  Gauge gauge(std::string_view name, std::string_view help) const {
    return Gauge(host_, register_family(DYNOP_METRIC_GAUGE, name, help, {}));
  }
  // Empty buckets: the host's defaults.
  Histogram histogram(std::string_view name, std::string_view help,
                      const std::vector<double>& buckets = {}) const {
    return Histogram(host_, register_family(DYNOP_METRIC_HISTOGRAM, name, help, buckets));
  }

 private:
  dynop_metric register_family(dynop_metric_type type, std::string_view name, std::string_view help,
                               const std::vector<double>& buckets) const {
    dynop_metric handle = 0;
    Status s = Status::from_c(host_->metric_register(host_->ctx, type, to_c(name), to_c(help),
                                                     buckets.empty() ? nullptr : buckets.data(),
                                                     buckets.size(), &handle));
    if (!s.is_ok()) {
      throw std::runtime_error("cannot register metric " + std::string(name) + ": " + s.message());
    }
    return handle;
  }
  const dynop_host* host_;
};

// Reads from the host's caches and writes to the API server. Objects are JSON
// text. Every call copies the host's answer, so results stay valid.
class Client {
 public:
  explicit Client(const dynop_host* host) : host_(host) {}

  Result<std::string> get(const ObjectRef& ref) const {
    if (!DYNOP_HOST_HAS(host_, get_object)) return missing("get_object");
    return with_ref(ref, [&](const dynop_object_ref& r, dynop_str* out) {
      return host_->get_object(host_->ctx, &r, out);
    });
  }
  // A JSON array of the matching objects.
  Result<std::string> list(const Gvk& gvk, std::string_view ns,
                           std::string_view label_selector = {}) const {
    if (!DYNOP_HOST_HAS(host_, list_objects)) return missing("list_objects");
    return with_ref(ObjectRef{gvk, std::string(ns), {}},
                    [&](const dynop_object_ref& r, dynop_str* out) {
                      return host_->list_objects(host_->ctx, &r, to_c(label_selector), out);
                    });
  }
  Result<std::string> create(const ObjectRef& ref, std::string_view object_json) const {
    if (!DYNOP_HOST_HAS(host_, create_object)) return missing("create_object");
    return with_ref(ref, [&](const dynop_object_ref& r, dynop_str* out) {
      return host_->create_object(host_->ctx, &r, to_c(object_json), out);
    });
  }
  Result<std::string> update(const ObjectRef& ref, std::string_view object_json) const {
    if (!DYNOP_HOST_HAS(host_, update_object)) return missing("update_object");
    return with_ref(ref, [&](const dynop_object_ref& r, dynop_str* out) {
      return host_->update_object(host_->ctx, &r, to_c(object_json), out);
    });
  }
  Result<std::string> patch(const ObjectRef& ref, dynop_patch_type type,
                            std::string_view patch) const {
    if (!DYNOP_HOST_HAS(host_, patch_object)) return missing("patch_object");
    return with_ref(ref, [&](const dynop_object_ref& r, dynop_str* out) {
      return host_->patch_object(host_->ctx, &r, type, to_c(patch), out);
    });
  }
  Status remove(const ObjectRef& ref) const {
    if (!DYNOP_HOST_HAS(host_, delete_object)) return detail::missing_slot(host_, "delete_object");
    dynop_object_ref r = to_c_ref(ref);
    return Status::from_c(host_->delete_object(host_->ctx, &r));
  }
  Result<std::string> update_status(const ObjectRef& ref, std::string_view object_json) const {
    if (!DYNOP_HOST_HAS(host_, update_status)) return missing("update_status");
    return with_ref(ref, [&](const dynop_object_ref& r, dynop_str* out) {
      return host_->update_status(host_->ctx, &r, to_c(object_json), out);
    });
  }
  Result<std::string> get_scale(const ObjectRef& ref) const {
    if (!DYNOP_HOST_HAS(host_, get_scale)) return missing("get_scale");
    return with_ref(ref, [&](const dynop_object_ref& r, dynop_str* out) {
      return host_->get_scale(host_->ctx, &r, out);
    });
  }
  Result<std::string> update_scale(const ObjectRef& ref, int32_t replicas) const {
    if (!DYNOP_HOST_HAS(host_, update_scale)) return missing("update_scale");
    return with_ref(ref, [&](const dynop_object_ref& r, dynop_str* out) {
      return host_->update_scale(host_->ctx, &r, replicas, out);
    });
  }
  Status record_event(const ObjectRef& involved, dynop_event_type type, std::string_view reason,
                      std::string_view message) const {
    if (!DYNOP_HOST_HAS(host_, record_event)) return detail::missing_slot(host_, "record_event");
    dynop_object_ref r = to_c_ref(involved);
    return Status::from_c(host_->record_event(host_->ctx, &r, type, to_c(reason), to_c(message)));
  }
  Status requeue_after(const Key& key, std::chrono::milliseconds delay) const {
    if (!DYNOP_HOST_HAS(host_, requeue_after)) return detail::missing_slot(host_, "requeue_after");
    return Status::from_c(host_->requeue_after(host_->ctx, dynop_key{to_c(key.ns), to_c(key.name)},
                                               static_cast<uint64_t>(delay.count())));
  }

 private:
  Result<std::string> missing(const char* slot) const {
    return Result<std::string>{detail::missing_slot(host_, slot), {}};
  }
  static dynop_object_ref to_c_ref(const ObjectRef& ref) {
    return dynop_object_ref{
        dynop_gvk{to_c(ref.gvk.group), to_c(ref.gvk.version), to_c(ref.gvk.kind)}, to_c(ref.ns),
        to_c(ref.name)};
  }
  template <class F>
  static Result<std::string> with_ref(const ObjectRef& ref, F&& call) {
    dynop_object_ref r = to_c_ref(ref);
    dynop_str out{nullptr, 0};
    Result<std::string> result;
    result.status = Status::from_c(call(r, &out));
    if (result.status.is_ok()) result.value = std::string(to_string_view(out));
    return result;
  }
  const dynop_host* host_;
};

// Everything a plugin can ask of the host. Owned by the SDK; outlives the
// plugin object.
class Host {
 public:
  explicit Host(const dynop_host* raw)
      : raw_(raw), logger_(raw), metrics_(raw), client_(raw), prometheus_(raw) {}
  const Logger& logger() const { return logger_; }
  const Metrics& metrics() const { return metrics_; }
  const Client& client() const { return client_; }
  const Prometheus& prometheus() const { return prometheus_; }
  // The C table, for callbacks newer than this C++ layer (check them with
  // DYNOP_HOST_HAS before calling).
  const dynop_host* raw() const { return raw_; }

 private:
  const dynop_host* raw_;
  Logger logger_;
  Metrics metrics_;
  Client client_;
  Prometheus prometheus_;
};

}  // namespace dynop::sdk
