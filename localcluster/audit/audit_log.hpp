#pragma once
// The audit log file (`--audit-log-path`): Events appended one JSON line each,
// as kube-apiserver's log backend writes them. Lines are buffered in memory
// (the request path only copies a line under a mutex) and written out when
// the buffer is full, on flush() and when the log is closed, so a clean
// shutdown leaves every request of the run in the file.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "localcluster/audit/audit_event.hpp"

namespace dynop::localcluster::audit {

class AuditLog {
 public:
  // Opens `path` for appending (created if missing, mode 0600 as kube's);
  // nullptr and a one-line `error` naming the path when it cannot.
  static std::unique_ptr<AuditLog> open(const std::filesystem::path& path, std::string& error);
  ~AuditLog();  // flushes
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Thread-safe.
  void write(const Event& event);
  void flush();

 private:
  explicit AuditLog(std::FILE* file);
  void write_out_locked();

  static constexpr std::size_t kBufferLimit = 256 * 1024;
  std::mutex mutex_;
  std::FILE* file_;
  std::string buffer_;
};

}  // namespace dynop::localcluster::audit
