#include "lib/files/read_file.hpp"

#include <fstream>
#include <sstream>

namespace dynop::files {

apimachinery::Result<std::string> read_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) return apimachinery::Error{path + ": cannot read " + what};
  return text.str();
}

}  // namespace dynop::files
