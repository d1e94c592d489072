// libFuzzer entry point for resource quantities (resources in every pod
// spec). Invariant: the canonical string parses back to an equal quantity.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lib/apimachinery/quantity.hpp"
#include "lib/apimachinery/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dynop::apimachinery;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto q = Quantity::parse(input);
  if (q) {
    auto again = Quantity::parse(q->to_string());
    // kube prints DecimalSI values >= 10^21 without a suffix (it has none),
    // so only smaller values must round-trip.
    bool has_suffix_range = q->format() != Quantity::Format::kDecimalSI ||
                            (q->scaled_value(18) < 1000 && q->scaled_value(18) > -1000);
    if (!again || (has_suffix_range && again->cmp(*q) != 0)) std::abort();
    (void)q->milli_value();
  }
  (void)parse_time(input);
  (void)parse_micro_time(input);
  return 0;
}
