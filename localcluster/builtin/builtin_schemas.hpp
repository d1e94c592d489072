#pragma once
// OpenAPI v3 schemas of the built-in kinds (internal to builtin/), as JSON
// text. `metadata` is left as an open object: OpenAPI documents point it at
// ObjectMeta, and the REST layer validates metadata itself.

#include <string_view>

namespace dynop::localcluster::builtin {

// The schema for `kind` in `group` (core: "") and `version`, or "" when
// there is none.
std::string_view builtin_schema_text(std::string_view group, std::string_view version,
                                     std::string_view kind);

}  // namespace dynop::localcluster::builtin
