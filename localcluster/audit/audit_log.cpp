#include "localcluster/audit/audit_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dynop::localcluster::audit {

std::unique_ptr<AuditLog> AuditLog::open(const std::filesystem::path& path, std::string& error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  std::FILE* file = fd < 0 ? nullptr : ::fdopen(fd, "a");
  if (file == nullptr) {
    error = "--audit-log-path " + path.string() + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<AuditLog>(new AuditLog(file));
}

AuditLog::AuditLog(std::FILE* file) : file_(file) {}

AuditLog::~AuditLog() {
  flush();
  std::fclose(file_);
}

void AuditLog::write(const Event& event) {
  std::string line = to_json_line(event);
  line += '\n';
  std::lock_guard lock(mutex_);
  buffer_ += line;
  if (buffer_.size() >= kBufferLimit) write_out_locked();
}

void AuditLog::flush() {
  std::lock_guard lock(mutex_);
  write_out_locked();
}

void AuditLog::write_out_locked() {
  if (!buffer_.empty()) std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  std::fflush(file_);
  buffer_.clear();
}

}  // namespace dynop::localcluster::audit
