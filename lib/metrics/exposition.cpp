#include "lib/metrics/exposition.hpp"

#include <prometheus/text_serializer.h>

namespace dynop::metrics {

std::string text_exposition(const prometheus::Collectable& collectable) {
  return prometheus::TextSerializer().Serialize(collectable.Collect());
}

}  // namespace dynop::metrics
