#include "plugins/common/clock.hpp"

#include "lib/apimachinery/time.hpp"

namespace dynop::plugins::common {

std::string rfc3339_now() { return apimachinery::format_time(apimachinery::now()); }

}  // namespace dynop::plugins::common
