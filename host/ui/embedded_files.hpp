#pragma once
// The timeline page's files (host/ui/page/), compiled into the host by
// cmake/EmbedFiles.cmake: the page works without files on disk or a network.

#include <span>
#include <string_view>

namespace dynop::host::ui {

struct EmbeddedFile {
  std::string_view name;          // "index.html"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view body;
};

std::span<const EmbeddedFile> embedded_files();

}  // namespace dynop::host::ui
