// libFuzzer entry point for JSON patch and JSON merge patch, applied to
// request bodies on PATCH. Input: a JSON array [document, patch].
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/apimachinery/json_merge_patch.hpp"
#include "lib/apimachinery/json_patch.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dynop::apimachinery;
  boost::system::error_code ec;
  boost::json::value input =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !input.is_array() || input.get_array().size() != 2) return 0;
  boost::json::value doc = input.get_array()[0];
  const boost::json::value& patch = input.get_array()[1];
  (void)apply_json_patch(doc, patch);
  boost::json::value merged = merge_patch(input.get_array()[0], patch);
  (void)create_merge_patch(input.get_array()[0], merged);
  return 0;
}
