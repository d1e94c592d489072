#pragma once
// Resource names as small integer ids (abi.h, "Resource ids"): cpu, memory,
// pods and ephemeral-storage are 0-3, every other name gets the next id the
// first time it is met, for the scheduler's lifetime.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dynop/abi.h"

namespace dynop::host::scheduler {

class ResourceTable {
 public:
  ResourceTable();
  uint32_t intern(std::string_view name);
  std::size_t size() const { return names_.size(); }
  const std::string& name(uint32_t id) const { return names_[id]; }
  // The names as the C ABI hands them to plugins (valid until the next intern).
  const dynop_str* c_names() const { return c_names_.data(); }

 private:
  std::vector<std::string> names_;
  std::vector<dynop_str> c_names_;
  std::map<std::string, uint32_t, std::less<>> ids_;
};

}  // namespace dynop::host::scheduler
