#include "lib/net/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ssl/context.hpp>
#include <system_error>

namespace dynop::net {

namespace ssl = boost::asio::ssl;

namespace {

std::string what(const boost::system::error_code& ec) {
  // OpenSSL's reason strings are terse ("no such file"); keep them, they name the cause.
  return ec.message();
}

std::string name_entry(X509_NAME* name, int nid, int& lastpos) {
  lastpos = X509_NAME_get_index_by_NID(name, nid, lastpos);
  if (lastpos < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, lastpos));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

}  // namespace

TlsContextPtr make_server_tls_context(const ServerTlsConfig& config, std::string& error) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  boost::system::error_code ec;
  if (!config.cert_pem.empty()) {
    ctx->use_certificate_chain(boost::asio::buffer(config.cert_pem), ec);
    if (ec) return error = "TLS certificate (PEM): " + what(ec), nullptr;
  } else {
    ctx->use_certificate_chain_file(config.cert_file, ec);
    if (ec) return error = "TLS certificate " + config.cert_file + ": " + what(ec), nullptr;
  }
  if (!config.key_pem.empty()) {
    ctx->use_private_key(boost::asio::buffer(config.key_pem), ssl::context::pem, ec);
    if (ec) return error = "TLS private key (PEM): " + what(ec), nullptr;
  } else {
    ctx->use_private_key_file(config.key_file, ssl::context::pem, ec);
    if (ec) return error = "TLS private key " + config.key_file + ": " + what(ec), nullptr;
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    error = "TLS private key does not match the certificate";
    if (!config.key_file.empty()) error += " (" + config.key_file + ")";
    return nullptr;
  }
  if (!config.client_ca_pem.empty() || !config.client_ca_file.empty()) {
    if (!config.client_ca_pem.empty()) {
      ctx->add_certificate_authority(boost::asio::buffer(config.client_ca_pem), ec);
      if (ec) return error = "TLS client CA (PEM): " + what(ec), nullptr;
    } else {
      ctx->load_verify_file(config.client_ca_file, ec);
      if (ec) return error = "TLS client CA " + config.client_ca_file + ": " + what(ec), nullptr;
    }
    ssl::verify_mode mode = ssl::verify_peer;
    if (config.require_client_cert) mode |= ssl::verify_fail_if_no_peer_cert;
    ctx->set_verify_mode(mode);
  }
  return ctx;
}

std::shared_ptr<ReloadingTlsContext> ReloadingTlsContext::create(
    ServerTlsConfig config, std::string& error, std::chrono::milliseconds check_interval) {
  TlsContextPtr first = make_server_tls_context(config, error);
  if (!first) return nullptr;
  auto self = std::shared_ptr<ReloadingTlsContext>(new ReloadingTlsContext());
  self->config_ = std::move(config);
  self->check_interval_ = check_interval;
  self->context_ = std::move(first);
  self->stamps_ = self->stamps();
  self->last_check_ = std::chrono::steady_clock::now();
  return self;
}

std::vector<ReloadingTlsContext::Stamp> ReloadingTlsContext::stamps() const {
  std::vector<Stamp> out;
  for (const std::string* file : {&config_.cert_file, &config_.key_file, &config_.client_ca_file}) {
    Stamp s;
    std::error_code ec;
    if (!file->empty()) {
      auto t = std::filesystem::last_write_time(*file, ec);
      if (!ec) s.mtime = t;
      auto size = std::filesystem::file_size(*file, ec);
      if (!ec) s.size = size;
    }
    out.push_back(s);
  }
  return out;
}

TlsContextPtr ReloadingTlsContext::current() {
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  if (now - last_check_ < check_interval_) return context_;
  last_check_ = now;
  std::vector<Stamp> latest = stamps();
  if (latest == stamps_) return context_;
  std::string error;
  TlsContextPtr next = make_server_tls_context(config_, error);
  if (!next) {
    // Keep serving with the old certificate; try again at the next change.
    spdlog::warn("TLS certificate reload failed, keeping the previous certificate: {}", error);
  } else {
    spdlog::info("TLS certificate reloaded from {}", config_.cert_file);
    context_ = std::move(next);
  }
  stamps_ = std::move(latest);
  return context_;
}

TlsContextProvider ReloadingTlsContext::provider() {
  return [self = shared_from_this()] { return self->current(); };
}

std::optional<PeerCertificate> peer_certificate(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return std::nullopt;
  PeerCertificate out;
  X509_NAME* name = X509_get_subject_name(cert);
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio != nullptr) {
    X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    if (len > 0) out.subject.assign(data, static_cast<std::size_t>(len));
    BIO_free(bio);
  }
  int pos = -1;
  out.common_name = name_entry(name, NID_commonName, pos);
  pos = -1;
  for (;;) {
    std::string org = name_entry(name, NID_organizationName, pos);
    if (pos < 0) break;
    out.organizations.push_back(std::move(org));
  }
  X509_free(cert);
  return out;
}

}  // namespace dynop::net
