#pragma once
// A whole file as text for a test: a log a process is writing, a manifest or
// example from the checkout. "" when it cannot be read (a log not written
// yet), so failure messages can always include it.

#include <filesystem>
#include <string>

namespace dynop::test {

std::string file_text(const std::filesystem::path& path);

}  // namespace dynop::test
