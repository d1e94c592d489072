// libFuzzer entry point for dynop-localcluster's protobuf request decoder
// (localcluster/builtin/protobuf_decoding), which reads request bodies off
// the network: any bytes either decode to a JSON object carrying apiVersion
// and kind, or are refused with a message, never a crash or a hang.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "localcluster/builtin/protobuf_decoding.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto decoded = dynop::localcluster::builtin::decode_protobuf_object(body);
  if (auto* error = std::get_if<std::string>(&decoded)) {
    if (error->empty()) std::abort();
    return 0;
  }
  const auto& value = std::get<boost::json::value>(decoded);
  const auto* object = value.if_object();
  if (object == nullptr) std::abort();
  const auto* kind = object->if_contains("kind");
  const auto* api_version = object->if_contains("apiVersion");
  if (kind == nullptr || !kind->is_string() || api_version == nullptr ||
      !api_version->is_string()) {
    std::abort();
  }
  (void)boost::json::serialize(value);
  return 0;
}
