#include "sim/kubelet/pod_status.hpp"

#include <fmt/format.h>
#include <openssl/sha.h>

#include <boost/json/array.hpp>

#include "lib/apimachinery/time.hpp"

namespace dynop::sim {

namespace json = boost::json;
using apimachinery::format_time;

namespace {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) out += fmt::format("{:02x}", b);
  return out;
}

// Splits "registry/repo:tag" into the repository and the tag (or digest).
std::pair<std::string, std::string> split_image(const std::string& normalized) {
  auto at = normalized.find('@');
  if (at != std::string::npos) return {normalized.substr(0, at), normalized.substr(at)};
  auto slash = normalized.rfind('/');
  auto colon = normalized.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    return {normalized.substr(0, colon), normalized.substr(colon)};
  }
  return {normalized, ""};
}

json::object termination_json(const Termination& t) {
  return json::object{{"exitCode", t.exit_code},
                      {"reason", t.reason},
                      {"startedAt", format_time(t.started_at)},
                      {"finishedAt", format_time(t.finished_at)},
                      {"containerID", t.container_id}};
}

std::string unready_list(const PodFacts& pod) {
  std::string names;
  for (const ContainerFacts& c : pod.containers) names += (names.empty() ? "" : " ") + c.name;
  return "[" + names + "]";
}

json::object condition(const PodFacts& pod, std::string_view type, bool status_true,
                       std::string_view reason, std::string_view message, WallTime now) {
  const std::string status = status_true ? "True" : "False";
  std::string transition = format_time(now);
  auto it = pod.status.conditions.find(std::string(type));
  if (it != pod.status.conditions.end() && it->second.status == status &&
      !it->second.last_transition_time.empty()) {
    transition = it->second.last_transition_time;
  }
  json::object c{{"type", type},
                 {"status", status},
                 {"lastProbeTime", nullptr},
                 {"lastTransitionTime", transition}};
  // null removes what an earlier status said (the write is a strategic merge
  // patch, merging conditions by type).
  c["reason"] = reason.empty() ? json::value(nullptr) : json::value(reason);
  c["message"] = message.empty() ? json::value(nullptr) : json::value(message);
  return c;
}

json::object container_status(const PodFacts& pod, const ContainerFacts& c, const PodRun& run,
                              bool init) {
  json::object s{{"name", c.name},
                 {"lastState", json::object()},
                 {"ready", false},
                 {"restartCount", init ? 0 : run.restarts},
                 {"image", normalized_image(c.image)},
                 {"imageID", ""}};
  const std::string id = container_id(pod.uid, c.name, init ? 0 : run.restarts);
  if (run.stage == PodRun::Stage::kCreating) {
    s["state"] = json::object{
        {"waiting", json::object{{"reason", init ? "PodInitializing" : "ContainerCreating"}}}};
    s["started"] = false;
    return s;
  }
  s["imageID"] = image_id(c.image);
  s["containerID"] = id;
  if (init) {
    // Init containers ran to completion before the main containers started.
    s["state"] = json::object{{"terminated", termination_json({0, "Completed", run.start_time,
                                                               run.container_started, id})}};
    s["ready"] = true;
    s["started"] = false;
    return s;
  }
  if (run.last_termination) {
    s["lastState"] = json::object{{"terminated", termination_json(*run.last_termination)}};
  }
  if (run.stage == PodRun::Stage::kTerminated && run.termination) {
    Termination t = *run.termination;
    t.container_id = id;
    s["state"] = json::object{{"terminated", termination_json(t)}};
    s["started"] = false;
    return s;
  }
  s["state"] =
      json::object{{"running", json::object{{"startedAt", format_time(run.container_started)}}}};
  s["ready"] = run.ready;
  s["started"] = true;
  return s;
}

}  // namespace

std::string normalized_image(const std::string& image) {
  std::string out = image;
  auto slash = out.find('/');
  std::string first = slash == std::string::npos ? "" : out.substr(0, slash);
  bool has_registry = first.find('.') != std::string::npos ||
                      first.find(':') != std::string::npos || first == "localhost";
  if (!has_registry) out = (slash == std::string::npos ? "docker.io/library/" : "docker.io/") + out;
  auto [repo, tag] = split_image(out);
  if (tag.empty()) out += ":latest";
  return out;
}

std::string image_id(const std::string& image) {
  const std::string normalized = normalized_image(image);
  auto [repo, tag] = split_image(normalized);
  if (tag.starts_with("@")) return normalized;
  return repo + "@sha256:" + sha256_hex(normalized);
}

std::string container_id(const std::string& pod_uid, const std::string& container, int restart) {
  return "containerd://" + sha256_hex(pod_uid + "/" + container + "/" + std::to_string(restart));
}

boost::json::object render_pod_status(const PodFacts& pod, const PodRun& run, WallTime now) {
  json::object status;
  const bool running = run.stage == PodRun::Stage::kRunning;
  const bool ready = running && run.ready;
  status["phase"] = run.stage == PodRun::Stage::kCreating ? "Pending" : "Running";

  json::array conditions;
  conditions.push_back(condition(pod, "Initialized", true, "", "", now));
  if (ready) {
    conditions.push_back(condition(pod, "Ready", true, "", "", now));
    conditions.push_back(condition(pod, "ContainersReady", true, "", "", now));
  } else if (running && !run.not_ready_reason.empty()) {
    // Containers still run, but their node does not answer for them.
    const std::string message = "node is not ready";
    conditions.push_back(condition(pod, "Ready", false, run.not_ready_reason, message, now));
    conditions.push_back(
        condition(pod, "ContainersReady", false, run.not_ready_reason, message, now));
  } else {
    const std::string message = "containers with unready status: " + unready_list(pod);
    conditions.push_back(condition(pod, "Ready", false, "ContainersNotReady", message, now));
    conditions.push_back(
        condition(pod, "ContainersReady", false, "ContainersNotReady", message, now));
  }
  conditions.push_back(condition(pod, "PodScheduled", true, "", "", now));
  status["conditions"] = std::move(conditions);

  status["hostIP"] = run.host_ip;
  if (run.stage != PodRun::Stage::kCreating && !run.pod_ip.empty()) {
    status["podIP"] = run.pod_ip;
    status["podIPs"] = json::array{json::object{{"ip", run.pod_ip}}};
  }
  status["startTime"] = format_time(run.start_time);
  if (!pod.init_containers.empty()) {
    json::array init;
    for (const ContainerFacts& c : pod.init_containers) {
      init.push_back(container_status(pod, c, run, true));
    }
    status["initContainerStatuses"] = std::move(init);
  }
  json::array containers;
  for (const ContainerFacts& c : pod.containers) {
    containers.push_back(container_status(pod, c, run, false));
  }
  status["containerStatuses"] = std::move(containers);
  return status;
}

bool status_matches(const PodFacts& pod, const PodRun& run) {
  const PodStatusFacts& s = pod.status;
  const bool creating = run.stage == PodRun::Stage::kCreating;
  const bool running = run.stage == PodRun::Stage::kRunning;
  const bool ready = running && run.ready;
  if (s.phase != (creating ? "Pending" : "Running")) return false;
  if (s.host_ip != run.host_ip || s.start_time.empty()) return false;
  if (!creating && s.pod_ip != run.pod_ip) return false;
  auto cond = [&](const char* type) -> std::string {
    auto it = s.conditions.find(type);
    return it == s.conditions.end() ? "" : it->second.status;
  };
  auto reason = [&](const char* type) -> std::string {
    auto it = s.conditions.find(type);
    return it == s.conditions.end() ? "" : it->second.reason;
  };
  if (cond("Initialized") != "True" || cond("PodScheduled") != "True") return false;
  if (cond("Ready") != (ready ? "True" : "False")) return false;
  if (cond("ContainersReady") != (ready ? "True" : "False")) return false;
  if (running && !ready) {
    const std::string want =
        run.not_ready_reason.empty() ? "ContainersNotReady" : run.not_ready_reason;
    if (reason("Ready") != want) return false;
  }
  if (s.containers.size() != pod.containers.size()) return false;
  const char* state = creating ? "waiting" : running ? "running" : "terminated";
  for (const ContainerFacts& c : pod.containers) {
    auto it = s.containers.find(c.name);
    if (it == s.containers.end()) return false;
    const ContainerStatusFacts& cs = it->second;
    if (cs.state != state || cs.ready != ready || cs.restart_count != run.restarts) return false;
    if (running && cs.started_at != format_time(run.container_started)) return false;
  }
  return true;
}

}  // namespace dynop::sim
