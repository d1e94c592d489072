#pragma once
// Starts a program for a test and captures what it prints.
//
//   std::string error;
//   auto p = dynop::test::Process::spawn(dynop::test::binary_path("bin/dynop"),
//                                        {"--metrics-address", "127.0.0.1:0"}, error);
//   ASSERT_TRUE(p) << error;
//   auto port = p->wait_for_match(std::regex(R"(on http://127\.0\.0\.1:(\d+))"), 20s);
//   p->signal(SIGTERM);
//   EXPECT_EQ(p->wait(20s), 0);
//   p->stderr_text();
//
// Every wait is bounded. The destructor kills (SIGKILL) and reaps a process
// that is still running, so a failing test never leaks one.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace dynop::test {

struct SpawnOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) the test's environment
  std::vector<std::string> unset_env;      // removed from it
  std::string working_dir;                 // "" = the test's
  std::string stdin_text;                  // written to the child's stdin, then closed
};

enum class Stream { kStdout, kStderr };

class Process {
 public:
  // `program` is a path (or a name looked up in PATH). nullptr and `error`
  // when it cannot be started.
  static std::unique_ptr<Process> spawn(const std::string& program,
                                        const std::vector<std::string>& args, std::string& error,
                                        const SpawnOptions& options = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  bool signal(int sig);

  // Exit code once the process has exited: its status, or 128 + signal
  // number when a signal ended it. nullopt if still running after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);

  std::string stdout_text() const;
  std::string stderr_text() const;

  // Blocks until `needle` has appeared in the stream, the process has exited
  // and its output is drained, or `timeout` passed; true when it appeared.
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout,
                       Stream stream = Stream::kStderr);
  // Same, for a regex; returns the first capture group (or the whole match).
  std::optional<std::string> wait_for_match(const std::regex& pattern,
                                            std::chrono::milliseconds timeout,
                                            Stream stream = Stream::kStderr);

 private:
  Process() = default;
  void read_loop(int out_fd, int err_fd);
  template <class Pred>
  bool wait_output(Pred pred, std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::string out_;
  std::string err_;
  bool eof_ = false;
  std::thread reader_;
};

struct RunResult {
  std::optional<int> exit_code;  // nullopt: timed out (the process was killed)
  std::string out;
  std::string err;
  std::string spawn_error;
};

// Runs to completion (bounded by `timeout`).
RunResult run(const std::string& program, const std::vector<std::string>& args,
              std::chrono::milliseconds timeout = std::chrono::seconds(60),
              const SpawnOptions& options = {});

}  // namespace dynop::test
