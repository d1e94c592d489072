// libFuzzer entry point for the label and field selector parsers, which read
// the labelSelector/fieldSelector query parameters of every list and watch.
// Invariant checked: a parsed selector's canonical string parses again to the
// same canonical string.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "lib/apimachinery/field_selector.hpp"
#include "lib/apimachinery/label_selector.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dynop::apimachinery;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto sel = LabelSelector::parse(input);
  if (sel) {
    std::string canonical = sel->to_string();
    auto again = LabelSelector::parse(canonical);
    if (!again || again->to_string() != canonical) std::abort();
    std::map<std::string, std::string> labels = {{"app", "web"}, {"n", "5"}, {"a", ""}};
    (void)sel->matches(labels);
    (void)sel->to_json();
  }
  auto fsel = FieldSelector::parse(input);
  if (fsel) {
    auto again = FieldSelector::parse(fsel->to_string());
    if (!again) std::abort();
  }
  return 0;
}
