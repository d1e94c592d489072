// The On Demand decoder, compiled once per simdjson kernel: simdjson's On
// Demand API is specialised at compile time, so this file is included by
// object_decoder_generic.cpp and (on x86-64) object_decoder_haswell.cpp, the
// latter built for AVX2. object_decoder.cpp picks one at run time.
// DYNOP_DECODER_KERNEL names the namespace of this copy.

#include <simdjson.h>

#include <cstring>
#include <vector>

#include "lib/kube/cache/object_decoder_kernel.hpp"

namespace dynop::kube::DYNOP_DECODER_KERNEL {
namespace od = simdjson::ondemand;
using simdjson::error_code;

namespace {

using Node = Projection::Node;

// Identity fields found while copying metadata (views into the input), and
// where labels and owners go (null: not read, as for bookmarks).
struct Identity {
  std::string_view ns;
  std::string_view name;
  std::string_view uid;
  std::string_view resource_version;
  ObjectMetaBuilder* meta = nullptr;
  std::string_view not_a_string;  // the identity field that was neither string nor null
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

// Copies a value compactly: keys and scalars as written (escapes included),
// whitespace between tokens dropped. Walking the value costs about what
// copying its raw text and minifying it afterwards did, and the cache's JSON
// comes out compact by construction (offsets into it stay valid).
error_code copy_raw(od::value& value, std::string& out) {
  // The token's first character tells its type (a peek, cheaper than type()).
  const std::string_view token = value.raw_json_token();
  const char first_char = token.empty() ? '\0' : token.front();
  if (first_char == '{') {
    od::object object;
    SIMDJSON_TRY(value.get_object().get(object));
    out.push_back('{');
    bool first = true;
    for (auto field_result : object) {
      od::field field;
      SIMDJSON_TRY(std::move(field_result).get(field));
      if (!first) out.push_back(',');
      first = false;
      out.push_back('"');
      out.append(raw_key(field.key()));
      out.append("\":", 2);
      od::value child = field.value();
      SIMDJSON_TRY(copy_raw(child, out));
    }
    out.push_back('}');
  } else if (first_char == '[') {
    od::array array;
    SIMDJSON_TRY(value.get_array().get(array));
    out.push_back('[');
    bool first = true;
    for (auto element : array) {
      od::value child;
      SIMDJSON_TRY(element.get(child));
      if (!first) out.push_back(',');
      first = false;
      SIMDJSON_TRY(copy_raw(child, out));
    }
    out.push_back(']');
  } else {
    out.append(trim_right(token));
  }
  return simdjson::SUCCESS;
}

enum class Level { kTop, kMetadata, kOther };

bool has_escape(std::string_view s) { return s.find('\\') != std::string_view::npos; }

// A string token's text: a view of the input without the quotes when it has
// no escape (the common case: no copy), else its unescaped copy in `storage`.
error_code text_of(od::value& value, std::string_view token, std::string& storage,
                   std::string_view& out) {
  if (token.size() >= 2 && token.front() == '"' && !has_escape(token)) {
    out = token.substr(1, token.size() - 2);
    return simdjson::SUCCESS;
  }
  std::string_view unescaped;
  SIMDJSON_TRY(value.get_string().get(unescaped));
  storage.assign(unescaped);
  out = storage;
  return simdjson::SUCCESS;
}

// The same for a field's key (`raw` as raw_key gives it).
error_code key_text(od::field& field, std::string_view raw, std::string& storage,
                    std::string_view& out) {
  if (!has_escape(raw)) {
    out = raw;
    return simdjson::SUCCESS;
  }
  std::string_view unescaped;
  SIMDJSON_TRY(field.unescaped_key().get(unescaped));
  storage.assign(unescaped);
  out = storage;
  return simdjson::SUCCESS;
}

// metadata.labels: every label goes to `meta`; the object is copied to `out`
// when `keep` (only the keys of `node` when it lists some).
error_code read_labels(od::object& labels, const Node* node, bool keep, std::string& out,
                       ObjectMetaBuilder& meta) {
  if (keep) out.push_back('{');
  bool first = true;
  for (auto field_result : labels) {
    od::field field;
    SIMDJSON_TRY(std::move(field_result).get(field));
    const std::string_view raw = raw_key(field.key());
    od::value value = field.value();
    const std::string_view token = trim_right(value.raw_json_token());
    const bool copy = keep && (!node || node->find(raw));
    std::size_t key_at = 0;
    if (copy) {
      if (!first) out.push_back(',');
      first = false;
      out.push_back('"');
      key_at = out.size();
      out.append(raw);
      out.append("\":", 2);
    }
    if (token.empty() || token.front() != '"') {  // not a string: kept as is, not indexed
      if (copy) SIMDJSON_TRY(copy_raw(value, out));
      continue;
    }
    const std::size_t value_at = out.size() + 1;
    if (copy) out.append(token);
    if (copy && !has_escape(raw) && !has_escape(token)) {
      // Verbatim in the cache's JSON, which stays compact (no offset moves):
      // referred to rather than copied twice.
      meta.add_label_in_json(key_at, raw.size(), value_at, token.size() - 2);
      continue;
    }
    std::string key_storage;
    std::string value_storage;
    std::string_view key;
    std::string_view text;
    SIMDJSON_TRY(key_text(field, raw, key_storage, key));
    SIMDJSON_TRY(text_of(value, token, value_storage, text));
    meta.add_label(key, text);
  }
  if (keep) out.push_back('}');
  return simdjson::SUCCESS;
}

// One element of metadata.ownerReferences: its uid, controller flag and
// reference go to `meta`; the object is copied to `out` when `keep`.
error_code read_owner(od::object& owner, const Node* node, bool keep, std::string& out,
                      ObjectMetaBuilder& meta) {
  // Views of the input; `storage` holds what had escapes.
  std::string_view uid, api_version, kind, name;
  std::string storage[4];
  bool controller = false;
  if (keep) out.push_back('{');
  bool first = true;
  for (auto field_result : owner) {
    od::field field;
    SIMDJSON_TRY(std::move(field_result).get(field));
    const std::string_view key = raw_key(field.key());
    od::value value = field.value();
    const std::string_view token = trim_right(value.raw_json_token());
    if (keep && (!node || node->find(key))) {
      if (!first) out.push_back(',');
      first = false;
      out.push_back('"');
      out.append(key);
      out.append("\":", 2);
      // A container is walked; it is neither a uid nor `controller: true`,
      // which the checks below see from its token as when it is not kept.
      if (token.empty() || token.front() == '{' || token.front() == '[') {
        SIMDJSON_TRY(copy_raw(value, out));
      } else {
        out.append(token);
      }
    }
    if (key == "controller") {
      controller = token == "true";
      continue;
    }
    const int slot = key == "uid"          ? 0
                     : key == "apiVersion" ? 1
                     : key == "kind"       ? 2
                     : key == "name"       ? 3
                                           : -1;
    if (slot < 0 || token.empty() || token.front() != '"') continue;
    std::string_view* views[] = {&uid, &api_version, &kind, &name};
    SIMDJSON_TRY(text_of(value, token, storage[slot], *views[slot]));
  }
  if (keep) out.push_back('}');
  if (!uid.empty()) meta.add_owner(uid, controller, api_version, kind, name);
  return simdjson::SUCCESS;
}

error_code read_owners(od::array& owners, const Node* node, bool keep, std::string& out,
                       ObjectMetaBuilder& meta) {
  if (keep) out.push_back('[');
  bool first = true;
  for (auto element : owners) {
    od::value item;
    SIMDJSON_TRY(element.get(item));
    if (keep && !first) out.push_back(',');
    first = false;
    od::json_type type;
    SIMDJSON_TRY(item.type().get(type));
    if (type != od::json_type::object) {
      if (keep) SIMDJSON_TRY(copy_raw(item, out));
      continue;
    }
    od::object owner;
    SIMDJSON_TRY(item.get_object().get(owner));
    SIMDJSON_TRY(read_owner(owner, node, keep, out, meta));
  }
  if (keep) out.push_back(']');
  return simdjson::SUCCESS;
}

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
      // Labels and owners are read whether or not the projection keeps them:
      // the cache indexes and selects by them.
      if (identity->meta && (key == "labels" || key == "ownerReferences")) {
        od::json_type type;
        SIMDJSON_TRY(value.type().get(type));
        const Node* filter = child && !child->keep_all ? child : nullptr;
        if (key == "labels" && type == od::json_type::object) {
          if (keep) append_key(key, first, out);
          od::object labels;
          SIMDJSON_TRY(value.get_object().get(labels));
          SIMDJSON_TRY(read_labels(labels, filter, keep, out, *identity->meta));
          continue;
        }
        if (key == "ownerReferences" && type == od::json_type::array) {
          if (keep) append_key(key, first, out);
          od::array owners;
          SIMDJSON_TRY(value.get_array().get(owners));
          SIMDJSON_TRY(read_owners(owners, filter, keep, out, *identity->meta));
          continue;
        }
      }
      std::string_view* slot = nullptr;
      if (key == "name") slot = &identity->name;
      else if (key == "namespace") slot = &identity->ns;
      else if (key == "uid") slot = &identity->uid;
      else if (key == "resourceVersion") slot = &identity->resource_version;
      if (slot) {
        const std::string_view token = trim_right(value.raw_json_token());
        // The token of an object or array is only its opening bracket: copied
        // as is, it broke the cached JSON. An identity field is a string (or
        // null, read as absent); anything else is refused, naming the field,
        // rather than cached under a key the object does not have.
        if (token.empty() || (token.front() != '"' && token != "null")) {
          identity->not_a_string = key;
          return simdjson::INCORRECT_TYPE;
        }
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

// An error of project_object, naming the identity field at fault if any.
Error projection_error(const char* what, error_code code, const Identity& identity) {
  if (identity.not_a_string.empty()) return simdjson_error(what, code);
  return decode_error(std::string(what) + ": metadata." + std::string(identity.not_a_string) +
                      " is not a string");
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
  ObjectMetaBuilder meta;

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
    meta.clear();
    Identity identity;
    identity.meta = &meta;
    if (auto error = project_object(object, root(), Level::kTop, scratch, &identity, api_version,
                                    kind))
      return projection_error("object", error, identity);
    if (identity.name.empty()) return decode_error("object has no metadata.name");
    // `scratch` is compact whatever the input's whitespace: the projection
    // writes tokens, never the whitespace between them.
    return CachedObject::make(identity.ns, identity.name, identity.uid, identity.resource_version,
                              scratch, meta);
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
      return projection_error("bookmark", error, identity);
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

std::unique_ptr<DecoderKernel> make_kernel(std::shared_ptr<const Projection> projection,
                                           std::string api_version, std::string kind) {
  return std::make_unique<Kernel>(std::move(projection), std::move(api_version), std::move(kind));
}

}  // namespace dynop::kube::DYNOP_DECODER_KERNEL
