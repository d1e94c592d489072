#pragma once
// Splitting what a process printed into lines, for tests that look for one
// log line among many.

#include <string>
#include <vector>

namespace dynop::test {

// The lines of `text`, without their '\n'.
std::vector<std::string> lines_of(const std::string& text);
// The lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle);

}  // namespace dynop::test
