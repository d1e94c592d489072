#include "plugins/webhook/object_facts.hpp"

#include <simdjson.h>

#include <utility>

#include "lib/apimachinery/json_decode.hpp"

namespace dynop::plugins::webhook {
namespace {

namespace dom = simdjson::dom;

apimachinery::JsonDecoder& thread_decoder() {
  thread_local apimachinery::JsonDecoder decoder;
  return decoder;
}

// Reads fields of a parsed object; the first problem wins.
class Reader {
 public:
  std::string error;

  bool type_error(const std::string& path, std::string_view expected, dom::element got) {
    error = apimachinery::json_type_mismatch(path, expected, got);
    return false;
  }

  // `out` is null when the field is absent or JSON null.
  bool child(dom::object parent, std::string_view key, dom::element& out, bool& present) {
    present = parent.at_key(key).get(out) == simdjson::SUCCESS && !out.is_null();
    return true;
  }

  bool object(dom::object parent, std::string_view key, const std::string& path, dom::object& out,
              bool& present) {
    dom::element element;
    child(parent, key, element, present);
    if (!present) return true;
    if (!element.is_object()) return type_error(path, "an object", element);
    out = dom::object(element);
    return true;
  }

  bool string(dom::object parent, std::string_view key, const std::string& path, std::string& out) {
    dom::element element;
    bool present = false;
    child(parent, key, element, present);
    if (!present) return true;
    if (!element.is_string()) return type_error(path, "a string", element);
    out.assign(std::string_view(element));
    return true;
  }

  bool boolean(dom::object parent, std::string_view key, const std::string& path,
               std::optional<bool>& out) {
    dom::element element;
    bool present = false;
    child(parent, key, element, present);
    if (!present) return true;
    if (!element.is_bool()) return type_error(path, "a boolean", element);
    out = bool(element);
    return true;
  }

  bool integer(dom::object parent, std::string_view key, const std::string& path,
               std::optional<std::int64_t>& out) {
    dom::element element;
    bool present = false;
    child(parent, key, element, present);
    if (!present) return true;
    std::int64_t value = 0;
    if (element.get_int64().get(value) != simdjson::SUCCESS) {
      if (element.is_number()) {
        error = path + ": expected an integer, got " + simdjson::to_string(element);
        return false;
      }
      return type_error(path, "an integer", element);
    }
    out = value;
    return true;
  }
};

bool read_service(Reader& reader, std::string_view name, dom::element element, ServiceFacts& out) {
  const std::string path = "spec.services[" + std::string(name) + "]";
  out.name.assign(name);
  if (element.is_null()) return true;  // `decode: null`: a service with every default
  if (!element.is_object()) return reader.type_error(path, "an object", element);
  dom::object service(element);

  std::optional<std::int64_t> replicas;
  if (!reader.integer(service, "replicas", path + ".replicas", replicas)) return false;
  if (replicas) {
    out.replicas = *replicas;
    out.replicas_set = true;
  }
  dom::object adapter;
  bool present = false;
  if (!reader.object(service, "scalingAdapter", path + ".scalingAdapter", adapter, present)) {
    return false;
  }
  if (present) {
    std::optional<bool> disable;
    std::optional<bool> enabled;
    if (!reader.boolean(adapter, "disable", path + ".scalingAdapter.disable", disable) ||
        !reader.boolean(adapter, "enabled", path + ".scalingAdapter.enabled", enabled)) {
      return false;
    }
    out.adapter_enabled = !disable.value_or(false) && enabled.value_or(true);
  }
  dom::object multinode;
  if (!reader.object(service, "multinode", path + ".multinode", multinode, out.multinode)) {
    return false;
  }
  dom::element autoscaling;
  reader.child(service, "autoscaling", autoscaling, out.has_autoscaling);
  return true;
}

template <class Facts, class Read>
FactsResult<Facts> read_facts(dom::element root, Read&& read) {
  FactsResult<Facts> result;
  Reader reader;
  if (!root.is_object()) {
    reader.type_error("object", "an object", root);
    result.error = std::move(reader.error);
    return result;
  }
  Facts facts;
  if (!read(reader, dom::object(root), facts)) {
    result.error = std::move(reader.error);
    return result;
  }
  result.facts = std::move(facts);
  return result;
}

template <class Facts>
FactsResult<Facts> parse_then(std::string_view object_json,
                              FactsResult<Facts> (*read)(dom::element)) {
  auto parsed = thread_decoder().parse_view(object_json);
  if (!parsed) {
    FactsResult<Facts> result;
    result.error = "object: " + parsed.error();
    return result;
  }
  return read(*parsed);
}

bool read_name(Reader& reader, dom::object root, std::string& out) {
  dom::object metadata;
  bool present = false;
  if (!reader.object(root, "metadata", "metadata", metadata, present)) return false;
  return !present || reader.string(metadata, "name", "metadata.name", out);
}

}  // namespace

const ServiceFacts* DgdFacts::find_service(std::string_view service) const {
  for (const auto& facts : services) {
    if (facts.name == service) return &facts;
  }
  return nullptr;
}

FactsResult<DgdFacts> read_dgd_facts(std::string_view object_json) {
  return parse_then<DgdFacts>(object_json, &read_dgd_facts);
}

FactsResult<DgdsaFacts> read_dgdsa_facts(std::string_view object_json) {
  return parse_then<DgdsaFacts>(object_json, &read_dgdsa_facts);
}

FactsResult<DgdFacts> read_dgd_facts(dom::element object) {
  return read_facts<DgdFacts>(object, [](Reader& reader, dom::object root, DgdFacts& out) {
    if (!read_name(reader, root, out.name)) return false;
    dom::object spec;
    bool present = false;
    if (!reader.object(root, "spec", "spec", spec, present)) return false;
    if (!present) return true;
    if (!reader.string(spec, "backendFramework", "spec.backendFramework", out.backend_framework)) {
      return false;
    }
    dom::object services;
    if (!reader.object(spec, "services", "spec.services", services, present)) return false;
    if (!present) return true;
    out.services.reserve(services.size());
    for (auto [key, value] : services) {
      ServiceFacts service;
      if (!read_service(reader, key, value, service)) return false;
      out.services.push_back(std::move(service));
    }
    return true;
  });
}

FactsResult<DgdsaFacts> read_dgdsa_facts(dom::element object) {
  return read_facts<DgdsaFacts>(object, [](Reader& reader, dom::object root, DgdsaFacts& out) {
    if (!read_name(reader, root, out.name)) return false;
    dom::object spec;
    bool present = false;
    if (!reader.object(root, "spec", "spec", spec, present)) return false;
    if (!present) return true;
    dom::object ref;
    if (!reader.object(spec, "dgdRef", "spec.dgdRef", ref, present)) return false;
    if (!present) return true;
    return reader.string(ref, "name", "spec.dgdRef.name", out.dgd_name) &&
           reader.string(ref, "serviceName", "spec.dgdRef.serviceName", out.service_name);
  });
}

}  // namespace dynop::plugins::webhook
