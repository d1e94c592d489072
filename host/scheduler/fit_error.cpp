#include "host/scheduler/fit_error.hpp"

#include <algorithm>
#include <vector>

namespace dynop::host::scheduler {

std::string fit_error_message(std::size_t nodes,
                              const std::map<std::string, std::size_t>& reasons) {
  std::vector<std::string> parts;
  parts.reserve(reasons.size());
  for (const auto& [reason, count] : reasons) parts.push_back(std::to_string(count) + " " + reason);
  std::sort(parts.begin(), parts.end());  // sort.Strings on "<count> <reason>", as kube does
  std::string out = "0/" + std::to_string(nodes) + " nodes are available: ";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ", ";
    out += parts[i];
  }
  out += ".";
  return out;
}

std::string pre_filter_error_message(std::size_t nodes, std::string_view message) {
  return "0/" + std::to_string(nodes) + " nodes are available: " + std::string(message) + ".";
}

}  // namespace dynop::host::scheduler
