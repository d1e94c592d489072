#include "tests/support/file_text.hpp"

#include "lib/files/read_file.hpp"

namespace dynop::test {

std::string file_text(const std::filesystem::path& path) {
  auto text = files::read_file(path.string(), "file");
  return text ? std::move(text).value() : std::string();
}

}  // namespace dynop::test
