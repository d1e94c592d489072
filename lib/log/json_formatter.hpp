#pragma once
// One JSON object per line: {"ts":...,"level":...,"msg":...} (plus "logger"
// when the logger has a name other than the default one). Escaping is
// Boost.JSON's, so any message bytes yield a valid line.

#include <spdlog/formatter.h>

#include <memory>

namespace dynop::log {

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace dynop::log
