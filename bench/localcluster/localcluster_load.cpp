// Load driver for dynop-localcluster (bench/RESULTS.md, section "localcluster").
//
//   localcluster_load [--in-memory] [--writes N] [--clients C] [--watchers W] [--list-pods N]
//                     [--hold S]
//
// Starts the real binary (its own temporary data folder), then measures over
// HTTPS with C concurrent clients:
//   creates/s   POST of N realistic pods (~4 KB, from the shared bench data)
//   updates/s   merge patches of those pods (one label each)
//   fan-out     W watchers on the namespace; N patches; events delivered/s
//   list        GET /api/v1/pods of --list-pods pods (full JSON), and the
//               server's peak RSS (VmHWM) afterwards
// Writes are acknowledged only after they are committed to SQLite (unless
// --in-memory), so creates/s is the durable write rate. A round whose writes
// fail stops the run (exit 1) with the first failure's status and message:
// a rate of failed requests is not a figure, and the watchers would wait for
// events that never come.

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/runtime/bench_data.hpp"
#include "lib/cli/command_line.hpp"
#include "lib/net/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct Options {
  bool in_memory = false;
  int writes = 20000;
  int clients = 8;
  int watchers = 10;
  int list_pods = 100000;
  int hold_seconds = 0;  // keep the server up afterwards (for curl, kubectl, perf)
};

struct Server {
  std::unique_ptr<dynop::test::TempDir> dir;
  std::unique_ptr<dynop::test::Process> process;
  std::unique_ptr<dynop::net::HttpClient> client;
  std::string url;
  std::string token;
};

Server start(const Options& options) {
  Server s;
  s.dir = std::make_unique<dynop::test::TempDir>("localcluster-bench");
  std::vector<std::string> args = {"--data-dir", s.dir->path().string(), "--log-level", "warn"};
  if (options.in_memory) args.push_back("--in-memory");
  std::string error;
  s.process = dynop::test::Process::spawn(DYNOP_LOCALCLUSTER_BINARY, args, error);
  if (!s.process) throw std::runtime_error(error);
  auto url = s.process->wait_for_match(std::regex("listening: (https://[0-9.:]+)"),
                                       std::chrono::seconds(30), dynop::test::Stream::kStdout);
  if (!url) throw std::runtime_error("server did not start: " + s.process->stderr_text());
  s.url = *url;
  std::ifstream token(s.dir->path() / "token");
  std::getline(token, s.token);
  dynop::net::ClientOptions client_options;
  client_options.tls.ca_file = (s.dir->path() / "pki" / "ca.crt").string();
  client_options.request_timeout = std::chrono::seconds(120);
  client_options.max_idle_per_host = 64;
  s.client = dynop::net::HttpClient::create(client_options, error);
  if (!s.client) throw std::runtime_error(error);
  return s;
}

dynop::net::ClientResult call(Server& s, const std::string& method, const std::string& path,
                              const std::string& body = "",
                              const std::string& type = "application/json") {
  dynop::net::ClientRequest req;
  req.method = method;
  req.url = s.url + path;
  req.body = body;
  req.headers.emplace_back("Authorization", "Bearer " + s.token);
  req.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) req.headers.emplace_back("Content-Type", type);
  return s.client->request(req);
}

// A realistic pod body from the shared bench data, as a client creates it
// (bench_pod: no server-set fields, no owner, no serviceAccountName).
json::object pod_template() {
  return dynop::bench::bench_pod(dynop::bench::load_pod_events().front(), "bench", "template");
}

// "" when the request got `expected`, else what went wrong.
std::string failure(const dynop::net::ClientResult& r, int expected) {
  if (!r.ok()) return r.error;
  if (static_cast<int>(r.response->status) == expected) return "";
  return "HTTP " + std::to_string(r.response->status) + ": " + r.response->body.substr(0, 400);
}

struct Round {
  double per_second = 0;
  int failed = 0;
  std::string first_failure;  // the lowest-numbered operation's
};

// Runs `count` operations spread over `clients` threads; each returns "" or
// what failed.
Round run_parallel(int count, int clients, const std::function<std::string(int)>& op) {
  std::atomic<int> next{0};
  std::mutex failures_mutex;
  Round round;
  int first_failed = count;
  auto begin = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < count; i = next++) {
        std::string error = op(i);
        if (error.empty()) continue;
        std::lock_guard lock(failures_mutex);
        ++round.failed;
        if (i < first_failed) {
          first_failed = i;
          round.first_failure = std::move(error);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  round.per_second = count / std::chrono::duration<double>(Clock::now() - begin).count();
  return round;
}

// true (after saying why on stderr) when some of the round's `count`
// operations failed.
bool failed(const char* what, const Round& round, int count) {
  if (round.failed == 0) return false;
  std::fprintf(stderr, "localcluster_load: %s: %d of %d failed; the first: %s\n", what,
               round.failed, count, round.first_failure.c_str());
  return true;
}

std::string status_field(int pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return line.substr(std::string(field).size() + 1);
  }
  return "?";
}

std::string pod_body(const json::object& tmpl, const std::string& name) {
  json::object pod = tmpl;
  pod["metadata"].as_object()["name"] = name;
  return json::serialize(pod);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  namespace po = boost::program_options;
  po::options_description flags("Flags", 100, 50);
  flags.add_options()("in-memory", po::bool_switch(&options.in_memory),
                      "objects in memory, not SQLite")(
      "writes", po::value(&options.writes)->default_value(options.writes)->value_name("N"),
      "pods created, then patched twice (the second time under the watchers)")(
      "clients", po::value(&options.clients)->default_value(options.clients)->value_name("C"),
      "concurrent client connections")(
      "watchers", po::value(&options.watchers)->default_value(options.watchers)->value_name("W"),
      "watches open during the writes")(
      "list-pods", po::value(&options.list_pods)->default_value(options.list_pods)->value_name("N"),
      "pods in the cluster for the list round")(
      "hold",
      po::value(&options.hold_seconds)->default_value(options.hold_seconds)->value_name("S"),
      "seconds to keep the server up at the end (to read its RSS)");
  po::variables_map flag_values;
  if (auto exit_code =
          dynop::cli::parse_main(argc, argv, flags, "localcluster_load", "[flags]", flag_values)) {
    return *exit_code;
  }
  json::object tmpl = pod_template();
  std::string sample = pod_body(tmpl, "sample-pod-000000");
  Server s = start(options);
  std::printf("storage: %s; pod body %zu bytes; %d clients\n",
              options.in_memory ? "in memory" : "SQLite (WAL)", sample.size(), options.clients);
  // Every exit after the server started goes through here: stop it first.
  auto stop = [&](int exit_code) {
    s.process->signal(SIGTERM);
    s.process->wait(std::chrono::seconds(30));
    return exit_code;
  };
  if (std::string error =
          failure(call(s, "POST", "/api/v1/namespaces",
                       R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench"}})"),
                  201);
      !error.empty()) {
    std::fprintf(stderr, "localcluster_load: namespace bench: %s\n", error.c_str());
    return stop(1);
  }

  Round creates = run_parallel(options.writes, options.clients, [&](int i) {
    char local[32];
    std::snprintf(local, sizeof local, "pod-%06d", i);
    return failure(call(s, "POST", "/api/v1/namespaces/bench/pods", pod_body(tmpl, local)), 201);
  });
  if (failed("creates", creates, options.writes)) return stop(1);
  std::printf("creates/s: %.0f (%d pods)\n", creates.per_second, options.writes);

  Round updates = run_parallel(options.writes, options.clients, [&](int i) {
    char local[32];
    std::snprintf(local, sizeof local, "pod-%06d", i);
    return failure(
        call(s, "PATCH", std::string("/api/v1/namespaces/bench/pods/") + local,
             R"({"metadata":{"labels":{"bench-round":"1"}}})", "application/merge-patch+json"),
        200);
  });
  if (failed("updates", updates, options.writes)) return stop(1);
  std::printf("updates/s: %.0f (merge patches)\n", updates.per_second);

  // Watch fan-out.
  auto list = call(s, "GET", "/api/v1/namespaces/bench/pods?limit=1");
  std::string rv(json::parse(list.response->body).at("metadata").at("resourceVersion").as_string());
  std::vector<std::thread> watchers;
  // Owned here, not by the watcher threads, so that a failed round can
  // cancel them (LineStream::cancel is safe from any thread).
  std::vector<std::unique_ptr<dynop::net::LineStream>> streams(options.watchers);
  std::atomic<long> delivered{0};
  std::atomic<int> ready{0};
  const int fanout_writes = options.writes;
  for (int w = 0; w < options.watchers; ++w) {
    dynop::net::ClientRequest req;
    req.url = s.url + "/api/v1/namespaces/bench/pods?watch=1&resourceVersion=" + rv;
    req.headers.emplace_back("Authorization", "Bearer " + s.token);
    req.timeout = std::chrono::seconds(600);
    auto opened = s.client->stream(req);
    if (!opened.ok() || !opened.stream) {
      std::fprintf(stderr, "localcluster_load: watch: %s\n",
                   opened.ok() ? ("HTTP " + std::to_string(opened.head.status)).c_str()
                               : opened.error.c_str());
      for (auto& stream : streams)
        if (stream) stream->cancel();
      for (auto& t : watchers) t.join();
      return stop(1);
    }
    streams[w] = std::move(opened.stream);
    watchers.emplace_back([&, stream = streams[w].get()] {
      ++ready;
      std::string line;
      int seen = 0;
      while (seen < fanout_writes && stream->next_line(line)) {
        if (!line.empty()) {
          ++seen;
          ++delivered;
        }
      }
    });
  }
  while (ready < options.watchers) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto fan_begin = Clock::now();
  Round fanout = run_parallel(fanout_writes, options.clients, [&](int i) {
    char local[32];
    std::snprintf(local, sizeof local, "pod-%06d", i);
    return failure(
        call(s, "PATCH", std::string("/api/v1/namespaces/bench/pods/") + local,
             R"({"metadata":{"labels":{"bench-round":"2"}}})", "application/merge-patch+json"),
        200);
  });
  if (fanout.failed > 0)
    for (auto& stream : streams) stream->cancel();
  for (auto& t : watchers) t.join();
  if (failed("patches under the watchers", fanout, fanout_writes)) return stop(1);
  double fan_seconds = std::chrono::duration<double>(Clock::now() - fan_begin).count();
  std::printf("watch fan-out: %d watchers, %ld events delivered in %.2f s = %.0f events/s\n",
              options.watchers, delivered.load(), fan_seconds, delivered / fan_seconds);

  // Top up to list_pods pods and time the full list.
  if (options.list_pods > options.writes) {
    const int more = options.list_pods - options.writes;
    Round topup = run_parallel(more, options.clients, [&](int i) {
      char local[32];
      std::snprintf(local, sizeof local, "pod-%06d", options.writes + i);
      return failure(call(s, "POST", "/api/v1/namespaces/bench/pods", pod_body(tmpl, local)), 201);
    });
    if (failed("top-up creates", topup, more)) return stop(1);
    std::printf("(top-up creates/s: %.0f)\n", topup.per_second);
  }
  std::vector<double> times;
  std::size_t bytes = 0;
  std::size_t items = 0;
  for (int round = 0; round < 3; ++round) {
    auto begin = Clock::now();
    auto r = call(s, "GET", "/api/v1/pods");
    times.push_back(std::chrono::duration<double>(Clock::now() - begin).count());
    if (std::string error = failure(r, 200); !error.empty()) {
      std::fprintf(stderr, "localcluster_load: list: %s\n", error.c_str());
      return stop(1);
    }
    bytes = r.response->body.size();
    if (round == 0) items = json::parse(r.response->body).at("items").as_array().size();
  }
  std::sort(times.begin(), times.end());
  std::printf(
      "list of %zu pods: %.3f s median of 3 (%.1f MB JSON, received and read by the client)\n",
      items, times[1], bytes / 1e6);
  std::printf("server memory: peak RSS (VmHWM) %s, RSS now %s\n",
              status_field(s.process->pid(), "VmHWM:").c_str(),
              status_field(s.process->pid(), "VmRSS:").c_str());
  if (options.hold_seconds > 0) {
    std::printf("holding %d s: KUBECONFIG=%s/kubeconfig\n", options.hold_seconds,
                s.dir->path().string().c_str());
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(options.hold_seconds));
  }
  return stop(0);
}
