#include "tests/support/paths.hpp"

#include <cstdlib>

namespace dynop::test {

std::filesystem::path binary_dir() {
  const char* env = std::getenv("DYNOP_BINARY_DIR");
  return env != nullptr && *env != '\0' ? env : DYNOP_TEST_DEFAULT_BINARY_DIR;
}

std::filesystem::path source_dir() {
  const char* env = std::getenv("DYNOP_SOURCE_DIR");
  return env != nullptr && *env != '\0' ? env : DYNOP_TEST_DEFAULT_SOURCE_DIR;
}

std::string binary_path(const std::string& relative) { return (binary_dir() / relative).string(); }
std::string source_path(const std::string& relative) { return (source_dir() / relative).string(); }

}  // namespace dynop::test
