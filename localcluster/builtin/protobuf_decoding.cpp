#include "localcluster/builtin/protobuf_decoding.hpp"

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "lib/apimachinery/base64.hpp"

namespace dynop::localcluster::builtin {
namespace {

namespace json = boost::json;

// One protobuf field: its number and, for length-delimited fields, the bytes;
// varints (and fixed-width values) in `number_value`.
struct Field {
  int number = 0;
  int wire_type = 0;
  std::uint64_t number_value = 0;
  std::string_view bytes;
};

// Splits a message into fields; nullopt if the bytes are not protobuf.
std::optional<std::vector<Field>> fields_of(std::string_view data) {
  std::vector<Field> out;
  std::size_t i = 0;
  auto varint = [&](std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (i >= data.size()) return false;
      const auto b = static_cast<unsigned char>(data[i++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  };
  while (i < data.size()) {
    std::uint64_t key = 0;
    if (!varint(key)) return std::nullopt;
    Field f;
    f.number = static_cast<int>(key >> 3);
    f.wire_type = static_cast<int>(key & 7);
    switch (f.wire_type) {
      case 0:
        if (!varint(f.number_value)) return std::nullopt;
        break;
      case 1:
        if (i + 8 > data.size()) return std::nullopt;
        i += 8;
        break;
      case 2: {
        std::uint64_t len = 0;
        if (!varint(len) || len > data.size() - i) return std::nullopt;
        f.bytes = data.substr(i, len);
        i += len;
        break;
      }
      case 5:
        if (i + 4 > data.size()) return std::nullopt;
        i += 4;
        break;
      default:
        return std::nullopt;
    }
    out.push_back(f);
  }
  return out;
}

// A decoded message is valid JSON-able data or a failure.
using Decoder = std::function<bool(std::string_view, json::object&)>;

bool decode_map(std::string_view entry, json::object& into, bool bytes_values) {
  auto fields = fields_of(entry);
  if (!fields) return false;
  std::string key;
  std::string value;
  for (const auto& f : *fields) {
    if (f.number == 1) key = std::string(f.bytes);
    if (f.number == 2) value = std::string(f.bytes);
  }
  into[key] = bytes_values ? apimachinery::base64_encode(value) : value;
  return true;
}

void set_string(json::object& o, const char* name, std::string_view v) {
  if (!v.empty()) o[name] = std::string(v);
}

bool decode_owner_reference(std::string_view data, json::object& o) {
  auto fields = fields_of(data);
  if (!fields) return false;
  for (const auto& f : *fields) {
    switch (f.number) {
      case 1:
        set_string(o, "kind", f.bytes);
        break;
      case 3:
        set_string(o, "name", f.bytes);
        break;
      case 4:
        set_string(o, "uid", f.bytes);
        break;
      case 5:
        set_string(o, "apiVersion", f.bytes);
        break;
      case 6:
        o["controller"] = f.number_value != 0;
        break;
      case 7:
        o["blockOwnerDeletion"] = f.number_value != 0;
        break;
      default:
        break;
    }
  }
  return true;
}

bool decode_object_meta(std::string_view data, json::object& m) {
  auto fields = fields_of(data);
  if (!fields) return false;
  for (const auto& f : *fields) {
    switch (f.number) {
      case 1:
        set_string(m, "name", f.bytes);
        break;
      case 2:
        set_string(m, "generateName", f.bytes);
        break;
      case 3:
        set_string(m, "namespace", f.bytes);
        break;
      case 5:
        set_string(m, "uid", f.bytes);
        break;
      case 6:
        set_string(m, "resourceVersion", f.bytes);
        break;
      case 11:
      case 12: {
        auto& target = m[f.number == 11 ? "labels" : "annotations"];
        if (!target.is_object()) target = json::object{};
        if (!decode_map(f.bytes, target.as_object(), false)) return false;
        break;
      }
      case 13: {
        auto& refs = m["ownerReferences"];
        if (!refs.is_array()) refs = json::array{};
        json::object ref;
        if (!decode_owner_reference(f.bytes, ref)) return false;
        refs.as_array().push_back(std::move(ref));
        break;
      }
      case 14: {
        auto& fin = m["finalizers"];
        if (!fin.is_array()) fin = json::array{};
        fin.as_array().emplace_back(std::string(f.bytes));
        break;
      }
      default:
        break;  // server-set fields (times, generation, managedFields)
    }
  }
  return true;
}

bool decode_string_list(const Field& f, json::object& o, const char* name) {
  auto& list = o[name];
  if (!list.is_array()) list = json::array{};
  list.as_array().emplace_back(std::string(f.bytes));
  return true;
}

bool decode_namespace(std::string_view data, json::object& o) {
  auto fields = fields_of(data);
  if (!fields) return false;
  for (const auto& f : *fields) {
    if (f.number == 2) {
      json::object spec;
      auto sf = fields_of(f.bytes);
      if (!sf) return false;
      for (const auto& s : *sf)
        if (s.number == 1) decode_string_list(s, spec, "finalizers");
      o["spec"] = std::move(spec);
    }
  }
  return true;
}

bool decode_config_map(std::string_view data, json::object& o) {
  auto fields = fields_of(data);
  if (!fields) return false;
  for (const auto& f : *fields) {
    if (f.number == 2 || f.number == 3) {
      auto& target = o[f.number == 2 ? "data" : "binaryData"];
      if (!target.is_object()) target = json::object{};
      if (!decode_map(f.bytes, target.as_object(), f.number == 3)) return false;
    } else if (f.number == 4) {
      o["immutable"] = f.number_value != 0;
    }
  }
  return true;
}

bool decode_secret(std::string_view data, json::object& o) {
  auto fields = fields_of(data);
  if (!fields) return false;
  for (const auto& f : *fields) {
    if (f.number == 2 || f.number == 4) {
      auto& target = o[f.number == 2 ? "data" : "stringData"];
      if (!target.is_object()) target = json::object{};
      if (!decode_map(f.bytes, target.as_object(), f.number == 2)) return false;
    } else if (f.number == 3) {
      set_string(o, "type", f.bytes);
    } else if (f.number == 5) {
      o["immutable"] = f.number_value != 0;
    }
  }
  return true;
}

bool decode_service_account(std::string_view data, json::object& o) {
  auto fields = fields_of(data);
  if (!fields) return false;
  for (const auto& f : *fields) {
    if (f.number == 2 || f.number == 3) {
      auto sub = fields_of(f.bytes);
      if (!sub) return false;
      json::object ref;
      for (const auto& s : *sub) {
        const int name_field = f.number == 2 ? 3 : 1;
        if (s.number == name_field) set_string(ref, "name", s.bytes);
        if (f.number == 2 && s.number == 2) set_string(ref, "namespace", s.bytes);
      }
      auto& list = o[f.number == 2 ? "secrets" : "imagePullSecrets"];
      if (!list.is_array()) list = json::array{};
      list.as_array().push_back(std::move(ref));
    } else if (f.number == 4) {
      o["automountServiceAccountToken"] = f.number_value != 0;
    }
  }
  return true;
}

}  // namespace

std::variant<boost::json::value, std::string> decode_protobuf_object(std::string_view body) {
  static constexpr std::string_view kMagic("k8s\0", 4);
  if (body.substr(0, 4) != kMagic) return std::string("missing the k8s protobuf magic");
  auto unknown = fields_of(body.substr(4));
  if (!unknown) return std::string("not a protobuf runtime.Unknown");
  std::string api_version, kind;
  std::string_view raw;
  for (const auto& f : *unknown) {
    if (f.number == 1) {
      auto tm = fields_of(f.bytes);
      if (!tm) return std::string("bad typeMeta");
      for (const auto& t : *tm) {
        if (t.number == 1) api_version = std::string(t.bytes);
        if (t.number == 2) kind = std::string(t.bytes);
      }
    } else if (f.number == 2) {
      raw = f.bytes;
    }
  }
  Decoder decode;
  if (api_version == "v1" && kind == "Namespace")
    decode = decode_namespace;
  else if (api_version == "v1" && kind == "ConfigMap")
    decode = decode_config_map;
  else if (api_version == "v1" && kind == "Secret")
    decode = decode_secret;
  else if (api_version == "v1" && kind == "ServiceAccount")
    decode = decode_service_account;
  if (!decode) return "protobuf bodies of " + api_version + " " + kind + " are not supported";

  json::object o;
  o["kind"] = kind;
  o["apiVersion"] = api_version;
  json::object meta;
  auto fields = fields_of(raw);
  if (!fields) return std::string("not a protobuf " + kind);
  for (const auto& f : *fields) {
    if (f.number == 1 && !decode_object_meta(f.bytes, meta)) {
      return std::string("bad metadata in protobuf " + kind);
    }
  }
  o["metadata"] = std::move(meta);
  if (!decode(raw, o)) return std::string("not a protobuf " + kind);
  return json::value(std::move(o));
}

}  // namespace dynop::localcluster::builtin
