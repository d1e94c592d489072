// ProcessMetrics reads this very process from /proc: the values must be this
// test's own (its descriptors, memory, start time).

#include "lib/metrics/process_metrics.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>
#include <vector>

#include "lib/prometheus/text_format.hpp"

namespace dynop::metrics {
namespace {

double sample(const Registry& registry, const std::string& name) {
  auto parsed = prometheus::parse_text_format(registry.serialize());
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  const auto* s = parsed.ok() ? parsed->find(name) : nullptr;
  EXPECT_NE(s, nullptr) << name;
  return s ? s->value : -1;
}

TEST(ProcessMetrics, ReadsThisProcess) {
  Registry registry;
  ProcessMetrics process(registry);
  const double fds = sample(registry, "process_open_fds");
  EXPECT_GE(fds, 3);  // stdin, stdout, stderr at least

  std::vector<int> opened;
  for (int i = 0; i < 5; ++i) opened.push_back(open("/dev/null", O_RDONLY));
  process.update();
  EXPECT_EQ(sample(registry, "process_open_fds"), fds + 5);
  for (int fd : opened) close(fd);

  EXPECT_GT(sample(registry, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GE(sample(registry, "process_virtual_memory_bytes"),
            sample(registry, "process_resident_memory_bytes"));
  EXPECT_GT(sample(registry, "process_max_fds"), fds);
  EXPECT_GT(sample(registry, "process_virtual_memory_max_bytes"), 0);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(sample(registry, "process_start_time_seconds"), now + 1);
  EXPECT_GT(sample(registry, "process_start_time_seconds"), now - 3600);

  // CPU time only grows.
  const double before = sample(registry, "process_cpu_seconds_total");
  volatile double spin = 0;
  for (int i = 0; i < 20'000'000; ++i) spin = spin + i;
  process.update();
  EXPECT_GT(sample(registry, "process_cpu_seconds_total"), before);
}

}  // namespace
}  // namespace dynop::metrics
