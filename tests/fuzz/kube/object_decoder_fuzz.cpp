// libFuzzer entry point for the informer's decoder (lib/kube/cache/
// object_decoder), which scans API server bytes with raw pointers (simdjson
// On Demand, copying slices of the input): any bytes read as a watch event
// line, a single object and a list page, with the default pod projection and
// without one. Whatever it accepts must be a cached object whose key is its
// namespace/name and, when the input is valid JSON, whose JSON is valid; the
// rest is an error, never a crash, an out-of-bounds read (ASan) or a hang.
// The decoder reads in one pass and copies the values it does not read as
// they came (its throughput goal), so invalid JSON inside such a value reaches
// the cache as the server sent it: only valid input promises valid output.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "lib/kube/cache/object_decoder.hpp"
#include "lib/kube/cache/projection.hpp"

namespace {

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

void decode(ObjectDecoder& decoder, std::string_view bytes) {
  if (auto event = decoder.decode_event(bytes); event.ok()) {
    using dynop::kube::EventType;
    const EventType type = event->type;
    if (type == EventType::kAdded || type == EventType::kModified || type == EventType::kDeleted) {
      check(event->object);
    }
    if (type == EventType::kError && !event->error) std::abort();
  }
  if (auto object = decoder.decode_object(bytes); object.ok()) check(*object);
  (void)decoder.decode_list(bytes, [](ObjectPtr item) { check(item); });
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
  decode(full, bytes);
  decode(projected, bytes);
  return 0;
}
