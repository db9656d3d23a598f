// Who may speak as a member: mutual TLS between the nodes, TLS for clients.
//
// Any process that reaches a node's port could say `peer raft A` and be
// believed. So, by default, every connection is TLS 1.3 (OpenSSL through
// Boost.Asio's SSL streams), and each side shows a certificate signed by the
// cluster's own certificate authority (CA): a node's certificate names it —
// subject OU=node, CN=A — and a node believes `peer raft A` only from a
// connection whose certificate says node A. A client's certificate (OU=client)
// is optional; a node started with --writes-need-certificate serves reads to
// anyone and writes only to a client that shows one. Clients and peer links
// check in turn that the node they reach shows the certificate of the node
// they meant.
//
// `conlab cluster start` makes a throwaway CA and the certificates in its
// folder (DIR/tls, net/certificates.h), so nothing changes for a student.
// The readable plain-text wire of the lessons that use `nc` and `tcpdump` is
// there only when asked for by name: --plaintext (the node says so in its
// first log line).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "narration/text.h"
#include "net/asio_ssl.h"

namespace consensus_lab::net {

// What a certificate says its holder is.
struct Certified {
  enum class Role { node, client } role = Role::node;
  std::string id;  // the node's id, or the client's name
  bool operator==(const Certified&) const = default;
};

// A certificate folder or key that cannot be used: why, in both languages.
struct TlsError {
  narration::Text reason;
};

// The TLS settings of one process: the folder holds ca.crt (the cluster's
// CA) and NAME.crt + NAME.key (this node's, or a client's, certificate).
class Tls {
 public:
  // Throws TlsError naming the file that is missing or unusable.
  static std::shared_ptr<Tls> load(const std::filesystem::path& folder, const std::string& name);
  // A client without a certificate of its own: it only checks the nodes'.
  static std::shared_ptr<Tls> load_ca_only(const std::filesystem::path& folder);

  ssl::context& server() { return server_; }
  ssl::context& client() { return client_; }

 private:
  Tls();
  ssl::context server_, client_;
};

// What the certificate the other side showed says, once the handshake is
// done (OpenSSL has checked it against the CA and its dates); none when it
// showed none or its subject is not one of ours.
std::optional<Certified> certified(SSL* ssl);

// Why a handshake failed, for one log line: the certificate check's verdict
// ("certificate has expired", "unable to get local issuer certificate") when
// there is one, else the TLS error ("wrong version number": plain text).
narration::Text handshake_failure(SSL* ssl, const boost::system::error_code& error);

}  // namespace consensus_lab::net
