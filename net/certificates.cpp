#include "net/certificates.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

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

const narration::Text kRead{"read", "读取"}, kWrite{"write", "写入"}, kCreate{"create", "创建"};

[[noreturn]] void fail(const narration::Text& what, const fs::path& file) {
  throw TlsError{
      {"cannot " + what.en + " " + file.string(), "无法" + what.zh + " " + file.string()}};
}

// OpenSSL said no at `step` of making a certificate.
void check(bool ok, const std::string& step) {
  if (!ok) {
    throw TlsError{{"cannot make a certificate (OpenSSL: " + step + ")",
                    "无法生成证书（OpenSSL：" + step + "）"}};
  }
}

File open(const fs::path& file, const char* mode) {
  File f(std::fopen(file.c_str(), mode));
  if (!f) fail(mode[0] == 'r' ? kRead : kWrite, file);
  return f;
}

// A file only its owner may read, from the moment it exists (not a link
// planted in its place).
File open_private(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    if (fd >= 0) ::close(fd);
    fail(kWrite, file);
  }
  File f(::fdopen(fd, "w"));
  if (!f) {
    ::close(fd);
    fail(kWrite, file);
  }
  return f;
}

// Closes `f`, which holds `file`: a close that fails (a full disk) is a failed write.
void finish(File f, const fs::path& file) {
  if (std::fclose(f.release()) != 0) fail(kWrite, file);
}

Key new_key() {
  Key key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  check(extension != nullptr, value);
  const bool added = X509_add_ext(certificate, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  check(added, value);
}

void name(X509_NAME* subject, const char* field, const std::string& value) {
  check(X509_NAME_add_entry_by_txt(subject, field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                   0) == 1,
        std::string(field) + "=" + value);
}

// A certificate of `subject` (OU, CN) for `key`, issued by `issuer` (none:
// self-signed), signed with `signer`. A node's serves both ends of a
// connection; a client's only the client's.
Certificate issue(const std::string& unit, const std::string& cn, EVP_PKEY* key, X509* issuer,
                  EVP_PKEY* signer, Validity validity, bool authority) {
  Certificate certificate(X509_new());
  check(certificate != nullptr, "X509_new");
  X509* c = certificate.get();
  std::random_device random;
  check(X509_set_version(c, 2) == 1 &&
            ASN1_INTEGER_set(X509_get_serialNumber(c), static_cast<long>(random() & 0x7fffffff)) ==
                1 &&
            X509_gmtime_adj(X509_getm_notBefore(c), validity.from_seconds) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(c), validity.from_seconds + validity.for_seconds) !=
                nullptr &&
            X509_set_pubkey(c, key) == 1,
        "version, serial, dates, key");
  X509_NAME* subject = X509_get_subject_name(c);
  name(subject, "O", "consensus-lab");
  name(subject, "OU", unit);
  name(subject, "CN", cn);
  check(X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : subject) == 1, "issuer");
  X509* by = issuer ? issuer : c;
  add_extension(c, by, NID_basic_constraints, authority ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_extension(c, by, NID_key_usage,
                authority ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  add_extension(c, by, NID_subject_key_identifier, "hash");
  add_extension(c, by, NID_authority_key_identifier, "keyid:always");
  if (!authority) {
    add_extension(c, by, NID_ext_key_usage,
                  unit == "node" ? "serverAuth,clientAuth" : "clientAuth");
  }
  check(X509_sign(c, signer, EVP_sha256()) != 0, "X509_sign");
  return certificate;
}

void write(const fs::path& folder, const std::string& id, X509* certificate, EVP_PKEY* key) {
  const fs::path key_file = folder / (id + ".key"), crt_file = folder / (id + ".crt");
  File k = open_private(key_file);
  if (PEM_write_PrivateKey(k.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    fail(kWrite, key_file);
  }
  finish(std::move(k), key_file);
  File f = open(crt_file, "w");
  if (PEM_write_X509(f.get(), certificate) != 1) fail(kWrite, crt_file);
  finish(std::move(f), crt_file);
}

}  // namespace

void make_authority(const fs::path& folder) {
  std::error_code error;
  const bool made = fs::create_directories(folder, error);
  // A folder made here for the keys: its owner's only.
  if (made) fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, error);
  if (error) fail(kCreate, folder);
  Key key = new_key();
  Certificate ca = issue("authority", "consensus-lab cluster CA", key.get(), nullptr, key.get(),
                         Validity{}, true);
  write(folder, "ca", ca.get(), key.get());
}

void make_certificate(const fs::path& folder, const Certified& who, Validity validity) {
  Certificate ca(PEM_read_X509(open(folder / "ca.crt", "r").get(), nullptr, nullptr, nullptr));
  if (!ca) fail(kRead, folder / "ca.crt");
  Key ca_key(PEM_read_PrivateKey(open(folder / "ca.key", "r").get(), nullptr, nullptr, nullptr));
  if (!ca_key) fail(kRead, folder / "ca.key");
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
