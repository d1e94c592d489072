#include "sim/kubelet/pod_timing.hpp"

#include "lib/apimachinery/time.hpp"

namespace dynop::sim {

namespace {

std::uint64_t mix(std::string_view data) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // splitmix64 finaliser: FNV's low bits alone are poorly spread.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

// Annotation overrides of one stage; a value that does not parse is reported.
StageDelay with_annotations(StageDelay stage, const PodFacts& pod, const char* delay_key,
                            const char* jitter_key, std::vector<std::string>& problems) {
  auto read = [&](const char* key) -> std::optional<std::chrono::nanoseconds> {
    auto it = pod.annotations.find(key);
    if (it == pod.annotations.end()) return std::nullopt;
    auto d = apimachinery::parse_go_duration(it->second);
    if (!d || d->count() < 0) {
      problems.push_back(std::string("annotation ") + key + ": " +
                         (d ? "\"" + it->second + "\" is negative" : d.error()));
      return std::nullopt;
    }
    return *d;
  };
  if (auto d = read(delay_key)) {
    stage.delay = *d;
    stage.jitter_delay.reset();
  }
  if (auto j = read(jitter_key)) stage.jitter_delay = *j;
  if (stage.jitter_delay && *stage.jitter_delay < stage.delay) {
    problems.push_back(std::string("annotation ") + jitter_key + " is shorter than the delay");
    stage.jitter_delay.reset();
  }
  return stage;
}

}  // namespace

std::string component_type_of(const PodFacts& pod) {
  std::string type = pod.label("nvidia.com/dynamo-component-type");
  std::string sub = pod.label("nvidia.com/dynamo-sub-component-type");
  if ((type == "worker" || type.empty()) && (sub == "prefill" || sub == "decode")) return sub;
  return type.empty() ? "default" : type;
}

std::chrono::nanoseconds draw(const StageDelay& stage, std::string_view seed) {
  if (!stage.jitter_delay || *stage.jitter_delay <= stage.delay) return stage.delay;
  const double u = static_cast<double>(mix(seed) >> 11) * 0x1.0p-53;
  const auto span = *stage.jitter_delay - stage.delay;
  return stage.delay +
         std::chrono::nanoseconds(static_cast<std::int64_t>(u * static_cast<double>(span.count())));
}

PodTimes pod_times(const KubeletSettings& kubelet, const PodFacts& pod, int restarts) {
  const StartupTimes& base = kubelet.times_for(component_type_of(pod));
  PodTimes t;
  StageDelay create = with_annotations(base.create, pod, kCreateDelayAnnotation,
                                       kCreateJitterAnnotation, t.problems);
  StageDelay ready =
      with_annotations(base.ready, pod, kReadyDelayAnnotation, kReadyJitterAnnotation, t.problems);
  StageDelay del =
      with_annotations(base.del, pod, kDeleteDelayAnnotation, kDeleteJitterAnnotation, t.problems);
  t.create = draw(create, pod.uid + "/create");
  t.ready = draw(ready, pod.uid + "/ready/" + std::to_string(restarts));
  t.del = draw(del, pod.uid + "/delete");
  return t;
}

}  // namespace dynop::sim
