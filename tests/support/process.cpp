#include "tests/support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

extern char** environ;

namespace dynop::test {

namespace {

std::vector<std::string> child_environment(const SpawnOptions& options) {
  std::vector<std::string> env;
  std::set<std::string> replaced;
  for (const auto& [k, v] : options.env) replaced.insert(k);
  for (const auto& k : options.unset_env) replaced.insert(k);
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    if (replaced.count(key) == 0) env.push_back(entry);
  }
  for (const auto& [k, v] : options.env) env.push_back(k + "=" + v);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::unique_ptr<Process> Process::spawn(const std::string& program,
                                        const std::vector<std::string>& args, std::string& error,
                                        const SpawnOptions& options) {
  int out_pipe[2];
  int err_pipe[2];
  int in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  if (!options.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, options.working_dir.c_str());
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : {SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  // Its own process group, so that the destructor can kill whatever it
  // started too (a grandchild holding our pipes would block the reader).
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<std::string> argv_strings;
  argv_strings.push_back(program);
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  auto argv = pointers(argv_strings);
  std::vector<std::string> env_strings = child_environment(options);
  auto envp = pointers(env_strings);

  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(in_pipe[0]);
  if (rc != 0) {
    error = "cannot start " + program + ": " + std::strerror(rc);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    ::close(in_pipe[1]);
    return nullptr;
  }
  if (!options.stdin_text.empty()) {
    // Small inputs only (a pipe buffer); larger ones would need a writer thread.
    ssize_t ignored = ::write(in_pipe[1], options.stdin_text.data(), options.stdin_text.size());
    (void)ignored;
  }
  ::close(in_pipe[1]);

  auto p = std::unique_ptr<Process>(new Process());
  p->pid_ = pid;
  p->reader_ =
      std::thread([raw = p.get(), o = out_pipe[0], e = err_pipe[0]] { raw->read_loop(o, e); });
  return p;
}

void Process::read_loop(int out_fd, int err_fd) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open = 2;
  char buf[8192];
  while (open > 0) {
    int n = ::poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof(buf));
      if (got > 0) {
        std::lock_guard lock(mutex_);
        (i == 0 ? out_ : err_).append(buf, static_cast<std::size_t>(got));
        cv_.notify_all();
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  std::lock_guard lock(mutex_);
  eof_ = true;
  cv_.notify_all();
}

Process::~Process() {
  ::kill(-pid_, SIGKILL);  // the group: the process (if still running) and its descendants
  if (!exit_code_) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (reader_.joinable()) reader_.join();
}

bool Process::running() {
  if (exit_code_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return r == 0;
}

bool Process::signal(int sig) { return running() && ::kill(pid_, sig) == 0; }

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Output written just before exit may still be in the pipes: wait (bounded,
  // in case a descendant keeps them open) until the reader has drained them.
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, std::chrono::seconds(5), [&] { return eof_; });
  return exit_code_;
}

std::string Process::stdout_text() const {
  std::lock_guard lock(mutex_);
  return out_;
}

std::string Process::stderr_text() const {
  std::lock_guard lock(mutex_);
  return err_;
}

template <class Pred>
bool Process::wait_output(Pred pred, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (eof_) return false;  // it exited and everything it wrote is here
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) return pred();
  }
}

bool Process::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout,
                              Stream stream) {
  const std::string& text = stream == Stream::kStdout ? out_ : err_;
  return wait_output([&] { return text.find(needle) != std::string::npos; }, timeout);
}

std::optional<std::string> Process::wait_for_match(const std::regex& pattern,
                                                   std::chrono::milliseconds timeout,
                                                   Stream stream) {
  const std::string& text = stream == Stream::kStdout ? out_ : err_;
  std::optional<std::string> result;
  wait_output(
      [&] {
        std::smatch match;
        if (!std::regex_search(text, match, pattern)) return false;
        result = match.size() > 1 ? match[1].str() : match[0].str();
        return true;
      },
      timeout);
  return result;
}

RunResult run(const std::string& program, const std::vector<std::string>& args,
              std::chrono::milliseconds timeout, const SpawnOptions& options) {
  RunResult result;
  auto p = Process::spawn(program, args, result.spawn_error, options);
  if (!p) return result;
  result.exit_code = p->wait(timeout);
  if (!result.exit_code) {
    p->signal(SIGKILL);
    p->wait(std::chrono::seconds(10));
  }
  result.out = p->stdout_text();
  result.err = p->stderr_text();
  return result;
}

}  // namespace dynop::test
