#include "lib/net/certificates.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace dynop::net {

namespace {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

std::string openssl_error(const char* what) {
  unsigned long code = ERR_get_error();
  char buf[256] = {0};
  if (code != 0) ERR_error_string_n(code, buf, sizeof(buf));
  ERR_clear_error();
  return std::string(what) + (code != 0 ? std::string(": ") + buf : std::string());
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

bool add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok == 1;
}

}  // namespace

std::optional<IssuedCertificate> issue_certificate(const CertificateRequest& request,
                                                   const IssuedCertificate* issuer,
                                                   std::string& error) {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return error = openssl_error("generating an EC key"), std::nullopt;

  CertPtr issuer_cert;
  KeyPtr issuer_key;
  if (issuer != nullptr) {
    BioPtr cbio(
        BIO_new_mem_buf(issuer->cert_pem.data(), static_cast<int>(issuer->cert_pem.size())));
    issuer_cert.reset(PEM_read_bio_X509(cbio.get(), nullptr, nullptr, nullptr));
    BioPtr kbio(BIO_new_mem_buf(issuer->key_pem.data(), static_cast<int>(issuer->key_pem.size())));
    issuer_key.reset(PEM_read_bio_PrivateKey(kbio.get(), nullptr, nullptr, nullptr));
    if (!issuer_cert || !issuer_key) {
      return error = openssl_error("reading the issuer certificate or key"), std::nullopt;
    }
  }

  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial_bytes[16];
  RAND_bytes(serial_bytes, sizeof(serial_bytes));
  serial_bytes[0] &= 0x7f;  // positive
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);  // tolerate small clock skew
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * request.valid_days);
  X509_set_pubkey(cert.get(), key.get());

  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& org : request.organizations) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(request.common_name.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer_cert ? X509_get_subject_name(issuer_cert.get()) : name);

  X509* signer_cert = issuer_cert ? issuer_cert.get() : cert.get();
  bool ok = true;
  if (request.is_ca) {
    ok &= add_ext(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:TRUE");
    ok &= add_ext(cert.get(), signer_cert, NID_key_usage,
                  "critical,keyCertSign,cRLSign,digitalSignature");
  } else {
    ok &= add_ext(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:FALSE");
    ok &= add_ext(cert.get(), signer_cert, NID_key_usage,
                  "critical,digitalSignature,keyEncipherment");
    std::string eku;
    if (request.server_auth) eku = "serverAuth";
    if (request.client_auth) eku += eku.empty() ? "clientAuth" : ",clientAuth";
    if (!eku.empty()) ok &= add_ext(cert.get(), signer_cert, NID_ext_key_usage, eku);
  }
  ok &= add_ext(cert.get(), signer_cert, NID_subject_key_identifier, "hash");
  if (issuer_cert) ok &= add_ext(cert.get(), signer_cert, NID_authority_key_identifier, "keyid");
  std::string san;
  for (const auto& dns : request.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + dns;
  for (const auto& ip : request.ip_addresses) san += (san.empty() ? "IP:" : ",IP:") + ip;
  if (!san.empty()) ok &= add_ext(cert.get(), signer_cert, NID_subject_alt_name, san);
  if (!ok) return error = openssl_error("adding certificate extensions"), std::nullopt;

  EVP_PKEY* signing_key = issuer_key ? issuer_key.get() : key.get();
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) == 0) {
    return error = openssl_error("signing the certificate"), std::nullopt;
  }

  IssuedCertificate out;
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(cert_bio.get(), cert.get());
  out.cert_pem = bio_string(cert_bio.get());
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  out.key_pem = bio_string(key_bio.get());
  return out;
}

}  // namespace dynop::net
