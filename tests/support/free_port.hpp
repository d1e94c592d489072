#pragma once
// A loopback TCP port nothing listens on right now, for a process a test
// starts and must tell its port in advance (Prometheus's --web.listen-address,
// make run's DYNOP_PROMETHEUS_PORT). The kernel picks it, so tests running in
// parallel do not pick the same one as a scan from a fixed port would.

#include <cstdint>

namespace dynop::test {

// 0 when no socket could be bound.
std::uint16_t free_loopback_port();

}  // namespace dynop::test
