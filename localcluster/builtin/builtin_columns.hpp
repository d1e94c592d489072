#pragma once
// Table column definitions of the built-in kinds, as kube-apiserver 1.26
// publishes them (names, types, descriptions, priority 1 for -o wide). Cells
// are computed by localcluster/tables; json_path stays empty.

#include <string_view>
#include <vector>

#include "localcluster/registry/resource_type.hpp"

namespace dynop::localcluster::builtin {

extern const char kNameDescription[];
extern const char kAgeDescription[];

// Columns for `kind` in `group`; empty when kube uses its default
// Name/Age table for it.
std::vector<PrinterColumn> builtin_columns(std::string_view group, std::string_view kind);

}  // namespace dynop::localcluster::builtin
