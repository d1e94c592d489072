#pragma once
// A whole file as a string, or a message naming it: "<path>: cannot read <what>".

#include <string>

#include "lib/apimachinery/result.hpp"

namespace dynop::files {

// `what` names the file's role in the message ("the profile", "the trace").
apimachinery::Result<std::string> read_file(const std::string& path, const std::string& what);

}  // namespace dynop::files
