#pragma once
// Where the shared reference data (apiserver traces, upstream manifests, bench
// data) lives: `shared/reference` beside the checkout, as on every developer
// machine and in CI. Header-only so any test or benchmark can use it without
// linking tests/support.
//
// Order: $DYNOP_REFERENCE_DIR; else the first `shared/reference` found walking
// up from $DYNOP_SOURCE_DIR (set by ctest) or from the working directory.

#include <cstdlib>
#include <filesystem>
#include <string>

namespace dynop::test {

inline std::string reference_dir() {
  if (const char* env = std::getenv("DYNOP_REFERENCE_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  for (const char* start : {static_cast<const char*>(std::getenv("DYNOP_SOURCE_DIR")),
                            static_cast<const char*>(nullptr)}) {
    std::filesystem::path dir =
        start != nullptr ? std::filesystem::path(start) : std::filesystem::current_path(ec);
    if (dir.empty()) continue;
    for (;; dir = dir.parent_path()) {
      const auto candidate = dir / "shared" / "reference";
      if (std::filesystem::is_directory(candidate, ec)) return candidate.string();
      if (dir == dir.parent_path()) break;
    }
  }
  return "../shared/reference";
}

}  // namespace dynop::test
