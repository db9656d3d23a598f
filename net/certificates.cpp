#include "net/certificates.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <random>

namespace consensus_lab::net {

namespace fs = std::filesystem;

namespace {

struct Free {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(X509* certificate) const { X509_free(certificate); }
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Certificate = std::unique_ptr<X509, Free>;
using File = std::unique_ptr<std::FILE, Free>;

[[noreturn]] void fail(const std::string& what, const fs::path& file) {
  throw TlsError{{"cannot " + what + " " + file.string(), "无法" + what + " " + file.string()}};
}

File open(const fs::path& file, const char* mode) {
  File f(std::fopen(file.c_str(), mode));
  if (!f) fail(mode[0] == 'r' ? "read" : "write", file);
  return f;
}

Key new_key() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) throw TlsError{{"cannot make a key (OpenSSL)", "无法生成密钥（OpenSSL）"}};
  return key;
}

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (extension != nullptr) {
    X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
  }
}

// A certificate of `subject` (OU, CN) for `key`, issued by `issuer` (none:
// self-signed), signed with `signer`.
Certificate issue(const std::string& unit, const std::string& name, EVP_PKEY* key, X509* issuer,
                  EVP_PKEY* signer, Validity validity, bool authority) {
  Certificate certificate(X509_new());
  X509* c = certificate.get();
  X509_set_version(c, 2);
  std::random_device random;
  ASN1_INTEGER_set(X509_get_serialNumber(c), static_cast<long>(random() & 0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(c), validity.from_seconds);
  X509_gmtime_adj(X509_getm_notAfter(c), validity.from_seconds + validity.for_seconds);
  X509_set_pubkey(c, key);
  X509_NAME* subject = X509_get_subject_name(c);
  const auto text = [](const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.c_str());
  };
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, text("consensus-lab"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(subject, "OU", MBSTRING_UTF8, text(unit), -1, -1, 0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, text(name), -1, -1, 0);
  X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : subject);
  X509* by = issuer ? issuer : c;
  add_extension(c, by, NID_basic_constraints, authority ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_extension(c, by, NID_key_usage,
                authority ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  add_extension(c, by, NID_subject_key_identifier, "hash");
  add_extension(c, by, NID_authority_key_identifier, "keyid:always");
  if (!authority) add_extension(c, by, NID_ext_key_usage, "serverAuth,clientAuth");
  if (X509_sign(c, signer, EVP_sha256()) == 0) {
    throw TlsError{{"cannot sign a certificate (OpenSSL)", "无法签发证书（OpenSSL）"}};
  }
  return certificate;
}

void write(const fs::path& folder, const std::string& name, X509* certificate, EVP_PKEY* key) {
  const fs::path key_file = folder / (name + ".key"), crt_file = folder / (name + ".crt");
  {
    File f = open(key_file, "w");
    ::chmod(key_file.c_str(), 0600);
    if (PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      fail("write", key_file);
    }
  }
  File f = open(crt_file, "w");
  if (PEM_write_X509(f.get(), certificate) != 1) fail("write", crt_file);
}

}  // namespace

void make_authority(const fs::path& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) fail("create", folder);
  Key key = new_key();
  Certificate ca = issue("authority", "consensus-lab cluster CA", key.get(), nullptr, key.get(),
                         Validity{}, true);
  write(folder, "ca", ca.get(), key.get());
}

void make_certificate(const fs::path& folder, const Certified& who, Validity validity) {
  Certificate ca(PEM_read_X509(open(folder / "ca.crt", "r").get(), nullptr, nullptr, nullptr));
  if (!ca) fail("read", folder / "ca.crt");
  Key ca_key(PEM_read_PrivateKey(open(folder / "ca.key", "r").get(), nullptr, nullptr, nullptr));
  if (!ca_key) fail("read", folder / "ca.key");
  Key key = new_key();
  const std::string unit = who.role == Certified::Role::node ? "node" : "client";
  Certificate certificate = issue(unit, who.id, key.get(), ca.get(), ca_key.get(), validity, false);
  write(folder, who.id, certificate.get(), key.get());
}

void make_missing(const fs::path& folder, const std::vector<Certified>& who) {
  if (!fs::exists(folder / "ca.crt")) make_authority(folder);
  for (const Certified& one : who) {
    if (!fs::exists(folder / (one.id + ".crt"))) make_certificate(folder, one);
  }
}

}  // namespace consensus_lab::net
