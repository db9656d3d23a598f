#include "net/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace consensus_lab::net {

namespace fs = std::filesystem;

namespace {

void need(const fs::path& file) {
  if (!fs::exists(file)) {
    throw TlsError{{"no file " + file.string() +
                        " (conlab cluster start makes it; conlab certs makes one by hand; "
                        "--plaintext runs without TLS)",
                    "没有文件 " + file.string() +
                        "（conlab cluster start 会生成它；也可以用 conlab certs 生成；"
                        "--plaintext 不用 TLS）"}};
  }
}

template <class F>
void use(const fs::path& file, F&& f) {
  need(file);
  boost::system::error_code error;
  f(file.string(), error);
  if (error) {
    throw TlsError{{"cannot use " + file.string() + ": " + error.message(),
                    "无法使用 " + file.string() + "：" + error.message()}};
  }
}

// Both ends: TLS 1.3 only, the peer's certificate checked against the CA.
void common(ssl::context& context, const fs::path& folder) {
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_3_VERSION);
  use(folder / "ca.crt", [&](const std::string& f, auto& e) { context.load_verify_file(f, e); });
}

void identity(ssl::context& context, const fs::path& folder, const std::string& name) {
  use(folder / (name + ".crt"),
      [&](const std::string& f, auto& e) { context.use_certificate_chain_file(f, e); });
  use(folder / (name + ".key"), [&](const std::string& f, auto& e) {
    context.use_private_key_file(f, ssl::context::pem, e);
  });
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    throw TlsError{{(folder / (name + ".key")).string() + " is not the key of " + name + ".crt",
                    (folder / (name + ".key")).string() + " 不是 " + name + ".crt 的私钥"}};
  }
}

std::string subject_field(X509_NAME* name, int nid) {
  const int at = X509_NAME_get_index_by_NID(name, nid, -1);
  if (at < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<std::size_t>(ASN1_STRING_length(data)));
}

}  // namespace

Tls::Tls() : server_(ssl::context::tls_server), client_(ssl::context::tls_client) {
  // A node asks every client for a certificate but needs one only from a
  // peer (the hello decides, net/incoming_connection.cpp); a client always
  // needs the node's.
  server_.set_verify_mode(ssl::verify_peer);
  client_.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
}

std::shared_ptr<Tls> Tls::load(const fs::path& folder, const std::string& name) {
  std::shared_ptr<Tls> tls(new Tls());
  for (ssl::context* context : {&tls->server_, &tls->client_}) {
    common(*context, folder);
    identity(*context, folder, name);
  }
  return tls;
}

std::shared_ptr<Tls> Tls::load_ca_only(const fs::path& folder) {
  std::shared_ptr<Tls> tls(new Tls());
  common(tls->client_, folder);
  return tls;
}

std::optional<Certified> certified(SSL* ssl) {
  X509* certificate = SSL_get1_peer_certificate(ssl);
  if (certificate == nullptr) return std::nullopt;
  const bool verified = SSL_get_verify_result(ssl) == X509_V_OK;
  X509_NAME* subject = X509_get_subject_name(certificate);
  const std::string role = subject_field(subject, NID_organizationalUnitName);
  const std::string id = subject_field(subject, NID_commonName);
  X509_free(certificate);
  if (!verified || id.empty()) return std::nullopt;
  if (role == "node") return Certified{Certified::Role::node, id};
  if (role == "client") return Certified{Certified::Role::client, id};
  return std::nullopt;
}

narration::Text handshake_failure(SSL* ssl, const boost::system::error_code& error) {
  const long verdict = SSL_get_verify_result(ssl);
  if (verdict != X509_V_OK) {
    const std::string why = X509_verify_cert_error_string(verdict);
    return {"its certificate is refused (" + why + ")", "它的证书被拒绝（" + why + "）"};
  }
  std::string why = error.message();
  if (error.category() == asio::error::get_ssl_category()) {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(error.value()));
    if (reason != nullptr) why = reason;
  }
  if (why == "wrong version number" || why == "http request") {  // not TLS at all
    return {"the TLS handshake failed (" + why +
                ": it speaks plain text — started with --plaintext? this node needs TLS)",
            "TLS 握手失败（" + why + "：对方说的是明文——用了 --plaintext？本节点要求 TLS）"};
  }
  return {"the TLS handshake failed (" + why + ")", "TLS 握手失败（" + why + "）"};
}

}  // namespace consensus_lab::net
