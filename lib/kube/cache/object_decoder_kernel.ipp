// The On Demand decoder, compiled once per simdjson kernel: simdjson's On
// Demand API is specialised at compile time, so this file is included by
// object_decoder_generic.cpp and (on x86-64) object_decoder_haswell.cpp, the
// latter built for AVX2. object_decoder.cpp picks one at run time.
// DYNOP_DECODER_KERNEL names the namespace of this copy.

#include <simdjson.h>

#include <cstring>

#include "lib/kube/cache/object_decoder_kernel.hpp"

namespace dynop::kube::DYNOP_DECODER_KERNEL {
namespace od = simdjson::ondemand;
using simdjson::error_code;

namespace {

using Node = Projection::Node;

// Identity fields found while copying metadata (views into the input).
struct Identity {
  std::string_view ns;
  std::string_view name;
  std::string_view uid;
  std::string_view resource_version;
};

// The key exactly as written (escapes included); keys that need escaping
// never match a projection path, which is what we want.
std::string_view raw_key(const od::raw_json_string& key) {
  const char* start = key.raw();
  const char* p = start;
  for (;;) {
    if (*p == '"') {
      std::size_t backslashes = 0;
      for (const char* q = p; q > start && q[-1] == '\\'; --q) ++backslashes;
      if (backslashes % 2 == 0) break;
    }
    ++p;
  }
  return std::string_view(start, static_cast<std::size_t>(p - start));
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// "\"abc\"" -> "abc" (identity values never contain escapes).
std::string_view unquote(std::string_view token) {
  if (token.size() >= 2 && token.front() == '"' && token.back() == '"')
    return token.substr(1, token.size() - 2);
  return {};
}

error_code copy_raw(od::value& value, std::string& out) {
  od::json_type type;
  SIMDJSON_TRY(value.type().get(type));
  std::string_view raw;
  if (type == od::json_type::object) {
    od::object object;
    SIMDJSON_TRY(value.get_object().get(object));
    SIMDJSON_TRY(object.raw_json().get(raw));
  } else if (type == od::json_type::array) {
    od::array array;
    SIMDJSON_TRY(value.get_array().get(array));
    SIMDJSON_TRY(array.raw_json().get(raw));
  } else {
    raw = trim_right(value.raw_json_token());
  }
  out.append(raw);
  return simdjson::SUCCESS;
}

enum class Level { kTop, kMetadata, kOther };

error_code project_object(od::object& object, const Node* node, Level level, std::string& out,
                          Identity* identity, std::string_view api_version, std::string_view kind);

// `node` null: keep the whole value.
error_code project_value(od::value& value, const Node* node, std::string& out) {
  if (!node) return copy_raw(value, out);
  od::json_type type;
  SIMDJSON_TRY(value.type().get(type));
  if (type == od::json_type::object) {
    od::object object;
    SIMDJSON_TRY(value.get_object().get(object));
    return project_object(object, node, Level::kOther, out, nullptr, {}, {});
  }
  if (type == od::json_type::array) {
    od::array array;
    SIMDJSON_TRY(value.get_array().get(array));
    out.push_back('[');
    bool first = true;
    for (auto element : array) {
      od::value item;
      SIMDJSON_TRY(element.get(item));
      if (!first) out.push_back(',');
      first = false;
      SIMDJSON_TRY(project_value(item, node, out));
    }
    out.push_back(']');
    return simdjson::SUCCESS;
  }
  return copy_raw(value, out);
}

void append_key(std::string_view key, bool& first, std::string& out) {
  if (!first) out.push_back(',');
  first = false;
  out.push_back('"');
  out.append(key);
  out.append("\":", 2);
}

// `node` null: keep every field (except metadata.managedFields).
error_code project_object(od::object& object, const Node* node, Level level, std::string& out,
                          Identity* identity, std::string_view api_version, std::string_view kind) {
  out.push_back('{');
  bool first = true;
  bool seen_kind = false;
  bool seen_api_version = false;
  for (auto field_result : object) {
    od::field field;
    SIMDJSON_TRY(std::move(field_result).get(field));
    const std::string_view key = raw_key(field.key());
    od::value value = field.value();
    const Node* child = node ? node->find(key) : nullptr;
    const bool keep = !node || child;
    if (level == Level::kMetadata) {
      if (key == "managedFields") continue;
      std::string_view* slot = nullptr;
      if (key == "name") slot = &identity->name;
      else if (key == "namespace") slot = &identity->ns;
      else if (key == "uid") slot = &identity->uid;
      else if (key == "resourceVersion") slot = &identity->resource_version;
      if (slot) {
        const std::string_view token = trim_right(value.raw_json_token());
        *slot = unquote(token);
        if (keep) {
          append_key(key, first, out);
          out.append(token);
        }
        continue;
      }
    } else if (level == Level::kTop) {
      if (key == "kind") seen_kind = true;
      if (key == "apiVersion") seen_api_version = true;
      if (key == "metadata" && identity) {
        if (!keep) continue;
        od::json_type type;
        SIMDJSON_TRY(value.type().get(type));
        if (type == od::json_type::object) {
          append_key(key, first, out);
          od::object metadata;
          SIMDJSON_TRY(value.get_object().get(metadata));
          SIMDJSON_TRY(project_object(metadata, child && !child->keep_all ? child : nullptr,
                                      Level::kMetadata, out, identity, {}, {}));
          continue;
        }
      }
    }
    if (!keep) continue;
    append_key(key, first, out);
    SIMDJSON_TRY(project_value(value, child && !child->keep_all ? child : nullptr, out));
  }
  if (level == Level::kTop) {
    if (!seen_api_version && !api_version.empty() && (!node || node->find("apiVersion"))) {
      append_key("apiVersion", first, out);
      out.push_back('"');
      out.append(api_version);
      out.push_back('"');
    }
    if (!seen_kind && !kind.empty() && (!node || node->find("kind"))) {
      append_key("kind", first, out);
      out.push_back('"');
      out.append(kind);
      out.push_back('"');
    }
  }
  out.push_back('}');
  return simdjson::SUCCESS;
}

Error simdjson_error(const char* what, error_code code) {
  return decode_error(std::string(what) + ": " + simdjson::error_message(code));
}

class Kernel final : public DecoderKernel {
 public:
  Kernel(std::shared_ptr<const Projection> projection_in, std::string api_version_in,
         std::string kind_in)
      : projection(std::move(projection_in)),
        api_version(std::move(api_version_in)),
        kind(std::move(kind_in)) {}

  Result<ObjectPtr> decode_object(std::string_view json) override;
  Result<WatchEvent> decode_event(std::string_view line) override;
  Result<ListPage> decode_list(std::string_view body,
                               const std::function<void(ObjectPtr)>& item) override;

  std::shared_ptr<const Projection> projection;
  std::string api_version;
  std::string kind;
  od::parser parser;
  std::string input;
  std::string scratch;
  std::string minified;

  simdjson::padded_string_view pad(std::string_view text) {
    if (input.capacity() < text.size() + simdjson::SIMDJSON_PADDING)
      input.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    input.assign(text.data(), text.size());
    return simdjson::padded_string_view(input.data(), input.size(), input.capacity());
  }

  const Node* root() const { return projection ? &projection->root() : nullptr; }

  // Projects `object` and builds the CachedObject.
  Result<ObjectPtr> build(od::object& object) {
    scratch.clear();
    Identity identity;
    if (auto error = project_object(object, root(), Level::kTop, scratch, &identity, api_version,
                                    kind))
      return simdjson_error("object", error);
    if (identity.name.empty()) return decode_error("object has no metadata.name");
    // The API server sends compact JSON, but fixtures and other servers may
    // not; minifying costs little next to parsing.
    minified.resize(scratch.size());
    std::size_t len = 0;
    if (auto error = simdjson::minify(scratch.data(), scratch.size(), minified.data(), len))
      return simdjson_error("minify", error);
    return CachedObject::make(identity.ns, identity.name, identity.uid, identity.resource_version,
                              std::string_view(minified.data(), len));
  }
};

Result<ObjectPtr> Kernel::decode_object(std::string_view json) {
  od::document doc;
  if (auto error = parser.iterate(pad(json)).get(doc))
    return simdjson_error("object", error);
  od::object object;
  if (auto error = doc.get_object().get(object)) return simdjson_error("object", error);
  return build(object);
}

Result<WatchEvent> Kernel::decode_event(std::string_view line) {
  od::document doc;
  if (auto error = parser.iterate(pad(line)).get(doc))
    return simdjson_error("watch event", error);
  std::string_view type_name;
  if (auto error = doc["type"].get_string().get(type_name))
    return simdjson_error("watch event type", error);
  WatchEvent event;
  if (type_name == "ADDED") event.type = EventType::kAdded;
  else if (type_name == "MODIFIED") event.type = EventType::kModified;
  else if (type_name == "DELETED") event.type = EventType::kDeleted;
  else if (type_name == "BOOKMARK") event.type = EventType::kBookmark;
  else if (type_name == "ERROR") event.type = EventType::kError;
  else return decode_error("unknown watch event type \"" + std::string(type_name) + "\"");

  od::object object;
  if (auto error = doc["object"].get_object().get(object))
    return simdjson_error("watch event object", error);
  if (event.type == EventType::kError) {
    std::string_view raw;
    if (auto error = object.raw_json().get(raw)) return simdjson_error("watch error", error);
    event.error = error_from_response(0, raw);
    return event;
  }
  if (event.type == EventType::kBookmark) {
    scratch.clear();
    Identity identity;
    if (auto error = project_object(object, nullptr, Level::kTop, scratch, &identity, {}, {}))
      return simdjson_error("bookmark", error);
    event.resource_version = std::string(identity.resource_version);
    return event;
  }
  auto built = build(object);
  if (!built) return std::move(built).error();
  event.object = std::move(built.value());
  event.resource_version = std::string(event.object->resource_version());
  return event;
}

Result<ListPage> Kernel::decode_list(std::string_view body,
                                     const std::function<void(ObjectPtr)>& item) {
  od::document doc;
  if (auto error = parser.iterate(pad(body)).get(doc))
    return simdjson_error("list", error);
  od::object top;
  if (auto error = doc.get_object().get(top)) return simdjson_error("list", error);
  ListPage page;
  for (auto field_result : top) {
    od::field field;
    if (auto error = std::move(field_result).get(field)) return simdjson_error("list", error);
    const std::string_view key = raw_key(field.key());
    od::value value = field.value();
    if (key == "metadata") {
      od::object metadata;
      if (auto error = value.get_object().get(metadata)) return simdjson_error("list metadata", error);
      for (auto meta_result : metadata) {
        od::field meta;
        if (auto error = std::move(meta_result).get(meta)) return simdjson_error("list metadata", error);
        const std::string_view meta_key = raw_key(meta.key());
        od::value meta_value = meta.value();
        if (meta_key == "resourceVersion" || meta_key == "continue") {
          std::string_view text;
          if (auto error = meta_value.get_string().get(text))
            return simdjson_error("list metadata", error);
          (meta_key == "continue" ? page.continue_token : page.resource_version) = std::string(text);
        } else if (meta_key == "remainingItemCount") {
          int64_t count = -1;
          if (auto error = meta_value.get_int64().get(count))
            return simdjson_error("list metadata", error);
          page.remaining_item_count = count;
        }
      }
    } else if (key == "items") {
      od::json_type type;
      if (auto error = value.type().get(type)) return simdjson_error("list items", error);
      if (type == od::json_type::null) continue;
      od::array items;
      if (auto error = value.get_array().get(items)) return simdjson_error("list items", error);
      for (auto element : items) {
        od::object object;
        if (auto error = element.get_object().get(object)) return simdjson_error("list item", error);
        auto built = build(object);
        if (!built) return std::move(built).error();
        item(std::move(built.value()));
      }
    }
  }
  return page;
}


}  // namespace

IndexedMeta read_indexed_meta(std::string_view json) {
  thread_local od::parser parser;
  thread_local std::string input;
  IndexedMeta meta;
  if (input.capacity() < json.size() + simdjson::SIMDJSON_PADDING)
    input.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  input.assign(json.data(), json.size());
  od::document doc;
  if (parser.iterate(simdjson::padded_string_view(input.data(), input.size(), input.capacity()))
          .get(doc))
    return meta;
  od::object metadata;
  if (doc["metadata"].get_object().get(metadata)) return meta;
  for (auto field_result : metadata) {
    od::field field;
    if (std::move(field_result).get(field)) return meta;
    const std::string_view key = raw_key(field.key());
    od::value value = field.value();
    if (key == "labels") {
      od::object labels;
      if (value.get_object().get(labels)) continue;
      for (auto label_result : labels) {
        od::field label;
        if (std::move(label_result).get(label)) break;
        std::string_view name;
        std::string_view text;
        if (label.unescaped_key().get(name)) break;
        const std::string name_copy(name);
        if (label.value().get_string().get(text)) continue;
        meta.labels.emplace_back(name_copy, std::string(text));
      }
    } else if (key == "ownerReferences") {
      od::array owners;
      if (value.get_array().get(owners)) continue;
      for (auto owner_result : owners) {
        od::object owner;
        if (owner_result.get_object().get(owner)) break;
        std::string uid;
        std::string api_version;
        std::string kind;
        std::string name;
        bool controller = false;
        for (auto owner_field_result : owner) {
          od::field owner_field;
          if (std::move(owner_field_result).get(owner_field)) break;
          const std::string_view owner_key = raw_key(owner_field.key());
          std::string_view text;
          if (owner_key == "controller") {
            bool flag = false;
            if (!owner_field.value().get_bool().get(flag)) controller = flag;
            continue;
          }
          std::string* slot = owner_key == "uid"          ? &uid
                              : owner_key == "apiVersion" ? &api_version
                              : owner_key == "kind"       ? &kind
                              : owner_key == "name"       ? &name
                                                          : nullptr;
          if (slot && !owner_field.value().get_string().get(text)) *slot = text;
        }
        if (uid.empty()) continue;
        if (controller) {
          meta.controller_uid = uid;
          meta.controller_api_version = std::move(api_version);
          meta.controller_kind = std::move(kind);
          meta.controller_name = std::move(name);
        }
        meta.owner_uids.push_back(std::move(uid));
      }
    }
  }
  return meta;
}

std::unique_ptr<DecoderKernel> make_kernel(std::shared_ptr<const Projection> projection,
                                           std::string api_version, std::string kind) {
  return std::make_unique<Kernel>(std::move(projection), std::move(api_version), std::move(kind));
}

}  // namespace dynop::kube::DYNOP_DECODER_KERNEL
