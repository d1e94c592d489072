#pragma once
// Go's strconv.Quote (fmt "%q"), which kube-apiserver uses for names and
// values inside its messages: `pods "web-0" not found`,
// `Invalid value: "-a"`. Matching it byte for byte keeps our messages
// identical to a real server's.

#include <string>
#include <string_view>

namespace dynop::apimachinery {

// Double-quoted, with \" \\ \n \t \r \a \b \f \v escaped, other control
// bytes and invalid UTF-8 as \xNN; valid printable UTF-8 is kept as is.
std::string go_quote(std::string_view s);

}  // namespace dynop::apimachinery
