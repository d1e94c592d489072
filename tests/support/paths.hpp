#pragma once
// Where the build and the sources are, for tests that start built programs
// or read test data. ctest sets DYNOP_BINARY_DIR / DYNOP_SOURCE_DIR (see
// cmake/DynopTesting.cmake); a test binary started by hand falls back to
// the directories it was configured with.

#include <filesystem>
#include <string>

namespace dynop::test {

std::filesystem::path binary_dir();
std::filesystem::path source_dir();
// binary_dir() / relative, e.g. binary_path("bin/dynop").
std::string binary_path(const std::string& relative);
std::string source_path(const std::string& relative);

}  // namespace dynop::test
