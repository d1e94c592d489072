#include "host/config/config.hpp"

namespace dynop::host {

const char* version() { return DYNOP_VERSION; }
std::string version_line() { return std::string("dynop ") + DYNOP_VERSION; }

}  // namespace dynop::host
