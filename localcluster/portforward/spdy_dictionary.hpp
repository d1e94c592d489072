#pragma once
// The zlib dictionary SPDY/3 header blocks are compressed with (1,423 bytes,
// Adler-32 0xe3c6a7c2), as the SPDY/3 draft gives it and kubectl's SPDY
// library (moby/spdystream) uses it.

#include <cstdint>
#include <string>

namespace dynop::localcluster::portforward {

const std::string& spdy3_header_dictionary();

}  // namespace dynop::localcluster::portforward
