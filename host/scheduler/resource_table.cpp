#include "host/scheduler/resource_table.hpp"

namespace dynop::host::scheduler {

ResourceTable::ResourceTable() {
  for (const char* fixed : {"cpu", "memory", "pods", "ephemeral-storage"}) intern(fixed);
}

uint32_t ResourceTable::intern(std::string_view name) {
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(std::string(name), id);
  // names_ may have moved its strings: point every view again.
  c_names_.clear();
  for (const std::string& n : names_) c_names_.push_back(dynop_str{n.data(), n.size()});
  return id;
}

}  // namespace dynop::host::scheduler
