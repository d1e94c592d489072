// libFuzzer entry point for the informer's decoder (lib/kube/cache/
// object_decoder), which scans API server bytes with raw pointers (simdjson
// On Demand, writing the cached JSON token by token): any bytes read as a
// watch event line, a single object and a list page, with whole objects and
// with a field-list projection that leaves labels and owners out of the JSON.
// Whatever it accepts must be a cached object whose key is its
// namespace/name and, when the input is valid JSON, whose JSON is valid; the
// rest is an error, never a crash, an out-of-bounds read (ASan) or a hang.
// The decoder reads in one pass and copies scalars it does not read as they
// came (its throughput goal), so an invalid scalar inside such a value reaches
// the cache as the server sent it: only valid input promises valid output.
//
// For valid input, the labels and owners read in the decode pass (what the
// cache's indexes, label selectors and the controller-owner mapping use) must
// be what the object says: the same whatever the projection keeps, and the
// same as a simdjson DOM walk of the whole cached object finds.
#include <simdjson.h>

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "lib/kube/cache/object_decoder.hpp"
#include "lib/kube/cache/projection.hpp"

namespace {

using dynop::kube::CachedObject;
using dynop::kube::ObjectDecoder;
using dynop::kube::ObjectPtr;

bool input_is_json = false;  // of the input being decoded

void check(const ObjectPtr& object) {
  if (!object) std::abort();
  boost::system::error_code ec;
  (void)boost::json::parse(object->json(), ec);
  if (ec && input_is_json) std::abort();  // valid bytes in, broken JSON to plugins
  const std::string expected = object->ns().empty()
                                   ? std::string(object->name())
                                   : std::string(object->ns()) + "/" + std::string(object->name());
  if (object->key() != expected) std::abort();
  // The labels and owners read in the decode pass: label references point
  // inside the cached JSON (ASan sees any that does not).
  std::size_t bytes = 0;
  object->for_each_label(
      [&](std::string_view k, std::string_view v) { bytes += k.size() + v.size(); });
  object->for_each_owner_uid([&](std::string_view uid) { bytes += uid.size(); });
  if (auto owner = object->controller()) bytes += owner->name.size();
  if (bytes > object->memory_bytes()) std::abort();
}

// What the cache indexes and selects by: labels (key, value), owner uids, and
// the controller reference (apiVersion, kind, name, uid).
using Controller = std::tuple<std::string, std::string, std::string, std::string>;
struct IndexedMeta {
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::string> owner_uids;
  std::optional<Controller> controller;
  bool operator==(const IndexedMeta&) const = default;
};

IndexedMeta read_in_decode_pass(const CachedObject& object) {
  IndexedMeta meta;
  object.for_each_label(
      [&](std::string_view k, std::string_view v) { meta.labels.emplace_back(k, v); });
  object.for_each_owner_uid([&](std::string_view uid) { meta.owner_uids.emplace_back(uid); });
  if (auto c = object.controller()) {
    meta.controller = Controller(c->api_version, c->kind, c->name, c->uid);
  }
  return meta;
}

// The same read from a DOM of the whole object, as ObjectMetaBuilder
// documents it: string labels of every top-level metadata object, in order;
// per object in ownerReferences its last string uid (an owner without one is
// skipped), the first owner with controller: true as the controller; strings
// over 65,535 bytes are not kept (a label alone, an owner whole).
std::optional<IndexedMeta> read_from_dom(std::string_view json) {
  static simdjson::dom::parser parser;
  simdjson::dom::object top;
  if (parser.parse(json.data(), json.size()).get(top)) return std::nullopt;
  constexpr std::size_t kMax = 65535;
  IndexedMeta meta;
  for (auto [key, metadata] : top) {
    if (key != "metadata" || !metadata.is_object()) continue;
    for (auto [meta_key, value] : simdjson::dom::object(metadata)) {
      if (meta_key == "labels" && value.is_object()) {
        for (auto [label, label_value] : simdjson::dom::object(value)) {
          if (!label_value.is_string()) continue;
          const std::string_view text(label_value);
          if (label.size() <= kMax && text.size() <= kMax) meta.labels.emplace_back(label, text);
        }
      } else if (meta_key == "ownerReferences" && value.is_array()) {
        for (simdjson::dom::element owner : simdjson::dom::array(value)) {
          if (!owner.is_object()) continue;
          std::string_view fields[4];  // uid, apiVersion, kind, name
          bool controller = false;
          for (auto [field, field_value] : simdjson::dom::object(owner)) {
            if (field == "controller") controller = field_value.is_bool() && bool(field_value);
            const int slot = field == "uid"          ? 0
                             : field == "apiVersion" ? 1
                             : field == "kind"       ? 2
                             : field == "name"       ? 3
                                                     : -1;
            if (slot >= 0 && field_value.is_string()) fields[slot] = std::string_view(field_value);
          }
          if (fields[0].empty()) continue;
          bool too_long = false;
          for (std::string_view f : fields) too_long = too_long || f.size() > kMax;
          if (too_long) continue;
          meta.owner_uids.emplace_back(fields[0]);
          if (controller && !meta.controller) {
            meta.controller = Controller(fields[1], fields[2], fields[3], fields[0]);
          }
        }
      }
    }
  }
  return meta;
}

// Every object one decoder accepted from the input, in order: the watch
// event's, the single object, the list's items.
std::vector<ObjectPtr> decode(ObjectDecoder& decoder, std::string_view bytes) {
  std::vector<ObjectPtr> accepted;
  if (auto event = decoder.decode_event(bytes); event.ok()) {
    using dynop::kube::EventType;
    const EventType type = event->type;
    if (type == EventType::kAdded || type == EventType::kModified || type == EventType::kDeleted) {
      check(event->object);
      accepted.push_back(event->object);
    }
    if (type == EventType::kError && !event->error) std::abort();
  }
  if (auto object = decoder.decode_object(bytes); object.ok()) {
    check(*object);
    accepted.push_back(*object);
  }
  (void)decoder.decode_list(bytes, [&](ObjectPtr item) {
    check(item);
    accepted.push_back(std::move(item));
  });
  return accepted;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An exact-size copy, so that ASan sees any read past the input's end (the
  // decoder pads into a buffer of its own before simdjson reads).
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  boost::json::parse(bytes, ec);
  input_is_json = !ec;
  static ObjectDecoder full(nullptr, "v1", "Pod");
  // A field-list projection that drops labels and owners from the JSON (they
  // are still read) and keeps parts of arrays.
  static ObjectDecoder projected(
      std::make_shared<const dynop::kube::Projection>(
          dynop::kube::Projection::of_fields({"metadata.creationTimestamp", "status.phase",
                                              "status.conditions.type", "spec.containers.name"})),
      "v1", "Pod");
  const std::vector<ObjectPtr> whole = decode(full, bytes);
  const std::vector<ObjectPtr> slim = decode(projected, bytes);
  if (!input_is_json) return 0;
  // Valid input: the projection changes what the JSON keeps, never what is
  // accepted nor what is indexed.
  if (whole.size() != slim.size()) std::abort();
  for (std::size_t i = 0; i < whole.size(); ++i) {
    const IndexedMeta read = read_in_decode_pass(*whole[i]);
    if (read_in_decode_pass(*slim[i]) != read) std::abort();
    // The DOM unescapes keys, the decoder matches "metadata", "labels"... as
    // written: compare only objects without \u escapes, which could spell them.
    if (whole[i]->json().find("\\u") != std::string_view::npos) continue;
    // simdjson's DOM refuses numbers past 64 bits or a double's range, which
    // Boost.JSON (and the decoder, which copies numbers unparsed) accept.
    const std::optional<IndexedMeta> dom = read_from_dom(whole[i]->json());
    if (dom && *dom != read) std::abort();
  }
  return 0;
}
