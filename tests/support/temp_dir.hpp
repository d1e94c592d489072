#pragma once
// A fresh directory under the system temp folder, removed with its contents
// when the object goes away. Unique per process and instance, so tests can
// run in parallel.

#include <filesystem>
#include <string>

namespace dynop::test {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "dynop-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to path()/relative (creating folders) and returns the full path.
  std::string write(const std::string& relative, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace dynop::test
