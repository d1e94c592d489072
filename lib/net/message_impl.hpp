#pragma once
// Internal to lib/net: what is behind Request's pimpl.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "lib/net/message.hpp"

namespace dynop::net {

struct Request::Impl {
  boost::beast::http::request<boost::beast::http::string_body> msg;
  std::string remote;
  std::optional<PeerCertificate> peer;
};

}  // namespace dynop::net
