#include "localcluster/server/impersonation.hpp"

#include <algorithm>
#include <boost/url/decode_view.hpp>
#include <cctype>
#include <string_view>

namespace dynop::localcluster::server {

namespace {

constexpr std::string_view kExtraPrefix = "impersonate-extra-";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Extra keys travel percent-encoded in header names (kube's
// Impersonate-Extra-<url-escaped key>).
std::string unescape(std::string_view text) {
  try {
    boost::urls::decode_view view(text);
    return std::string(view.begin(), view.end());
  } catch (...) {
    return std::string(text);
  }
}

}  // namespace

admission::UserInfo admin_user() {
  return admission::UserInfo{"admin", "admin-uid", {"system:masters", "system:authenticated"}, {}};
}

std::variant<admission::UserInfo, ApiError> resolve_user(const net::Request& request) {
  admission::UserInfo user;
  bool has_user = false;
  bool has_other = false;
  std::string other;
  request.for_each_header([&](std::string_view name, std::string_view value) {
    std::string key = lower(name);
    if (key == "impersonate-user") {
      user.username = std::string(value);
      has_user = true;
    } else if (key == "impersonate-group") {
      user.groups.emplace_back(value);
      has_other = true;
      other = "Group";
    } else if (key == "impersonate-uid") {
      user.uid = std::string(value);
      has_other = true;
      other = "UID";
    } else if (key.starts_with(kExtraPrefix)) {
      user.extra[unescape(key.substr(kExtraPrefix.size()))].emplace_back(value);
      has_other = true;
      other = "Extra";
    }
  });
  if (!has_user) {
    if (has_other) {
      return internal_error("requested [{" + other + "}] without impersonating a user");
    }
    return admin_user();
  }
  constexpr std::string_view kServiceAccount = "system:serviceaccount:";
  if (user.username.starts_with(kServiceAccount) && user.groups.empty()) {
    std::string_view rest = std::string_view(user.username).substr(kServiceAccount.size());
    auto colon = rest.find(':');
    if (colon != std::string_view::npos && colon > 0 && colon + 1 < rest.size() &&
        rest.find(':', colon + 1) == std::string_view::npos) {
      user.groups = {"system:serviceaccounts",
                     "system:serviceaccounts:" + std::string(rest.substr(0, colon))};
    }
  }
  if (user.username != "system:anonymous" &&
      std::find(user.groups.begin(), user.groups.end(), "system:authenticated") ==
          user.groups.end()) {
    user.groups.emplace_back("system:authenticated");
  }
  return user;
}

}  // namespace dynop::localcluster::server
