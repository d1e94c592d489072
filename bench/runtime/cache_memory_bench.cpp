// Retained heap per cached pod and in-process sync time, at 100,000 pods
// built from the realistic pod events (bench-data README), with the fields
// the dgd and dgdsa plugins ask to cache of pods and with full objects
// (minus managedFields). Decoder and store only, as the informer uses them
// (the store has the default indexes: namespace, owner uid); the whole host
// process is measured by host_cache_memory.
//
//   runtime_cache_memory_bench [pods]     (default 100000)
//
// Goal (design.md): <= 2 KiB per typical pod.

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "bench/runtime/bench_data.hpp"
#include "lib/kube/cache/indexer.hpp"
#include "lib/kube/cache/object_decoder.hpp"
#include "lib/cli/command_line.hpp"
#include "plugins/common/pod_groups.hpp"

namespace {

using dynop::kube::Indexer;
using dynop::kube::ObjectDecoder;
using dynop::kube::ObjectPtr;
using dynop::kube::Projection;

std::size_t heap_in_use() {
  malloc_trim(0);
  return mallinfo2().uordblks;
}

long rss_kib() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * 4;
}

// A distinct pod per index: namespace "gopeer" (6 chars) becomes "gpNNNN"
// so every copy of the 2,000 events is a new key of the same size.
std::string vary(const std::string& line, int copy) {
  std::string out = line;
  const std::string from = "\"namespace\":\"gopeer\"";
  char ns[16];
  std::snprintf(ns, sizeof ns, "gp%04d", copy);
  const auto at = out.find(from);
  if (at != std::string::npos) out.replace(at + 13, 6, ns);
  return out;
}

void run(const char* label, std::shared_ptr<const Projection> projection,
         const std::vector<std::string>& events, int pods) {
  ObjectDecoder decoder(projection, "v1", "Pod");
  std::size_t input_bytes = 0;
  std::size_t json_bytes = 0;
  const std::size_t heap_before = heap_in_use();
  const long rss_before = rss_kib();
  auto store = std::make_unique<Indexer>();
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  for (int i = 0; i < pods; ++i) {
    const std::string line = vary(events[static_cast<std::size_t>(i) % events.size()],
                                  i / static_cast<int>(events.size()));
    input_bytes += line.size();
    auto event = decoder.decode_event(line);
    if (!event) {
      std::fprintf(stderr, "decode failed: %s\n", event.error().describe().c_str());
      std::exit(1);
    }
    json_bytes += event->object->json().size();
    store->upsert(std::move(event->object));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const std::size_t heap_after = heap_in_use();
  const long rss_after = rss_kib();
  std::printf(
      "%-22s pods=%d  input=%.0f B/pod  cached json=%.0f B/pod  retained heap=%.0f B/pod "
      "(%.2f KiB)  rss=%.2f KiB/pod  decode+index: %.3f s CPU (%.0f pods/s per core), %.3f s "
      "wall\n",
      label, pods, static_cast<double>(input_bytes) / pods, static_cast<double>(json_bytes) / pods,
      static_cast<double>(heap_after - heap_before) / pods,
      static_cast<double>(heap_after - heap_before) / pods / 1024.0,
      static_cast<double>(rss_after - rss_before) / pods, cpu_seconds, pods / cpu_seconds, seconds);
  if (store->size() != static_cast<std::size_t>(pods)) {
    std::fprintf(stderr, "expected %d pods in the store, found %zu\n", pods, store->size());
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int pods = 100000;
  namespace po = boost::program_options;
  po::options_description flags("Flags", 100, 50);
  flags.add_options()("pods", po::value(&pods)->default_value(pods)->value_name("N"),
                      "pods in the cache (also the first positional argument)");
  po::positional_options_description positional;
  positional.add("pods", 1);
  po::variables_map flag_values;
  if (auto exit_code = dynop::cli::parse_main(argc, argv, flags, "runtime_cache_memory_bench",
                                              "[--pods] [N]", flag_values, &positional)) {
    return *exit_code;
  }
  const auto events = dynop::bench::load_pod_events();
  run("dgd pod fields",
      std::make_shared<Projection>(
          Projection::of_fields(dynop::plugins::common::observed_pod_fields())),
      events, pods);
  run("full objects", nullptr, events, pods);
  return 0;
}
