#pragma once
// Reads the YAML config file over `config`. Errors name the file, line and
// column: "/etc/dynop/config.yaml:3:1: unknown key \"logLvl\" (known keys: ...)".

#include <filesystem>
#include <string>

#include "host/config/config.hpp"

namespace dynop::host {

bool read_config_file(const std::filesystem::path& file, Config& config, std::string& error);
// Same, from text; `name` is used in messages in place of the file name.
bool parse_config_text(const std::string& text, const std::string& name,
                       const std::filesystem::path& base_dir, Config& config, std::string& error);

}  // namespace dynop::host
