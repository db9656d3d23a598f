// How a command that talks to a cluster (conlab put/get, bench, view) finds
// it and speaks to it: `--dir DIR` (a folder `conlab cluster start` made:
// DIR/cluster.txt, and DIR/tls unless it was started with --plaintext), or
// `--cluster A=HOST:PORT,…` with `--certs DIR` (TLS: DIR/ca.crt, and
// DIR/client.crt + client.key when there) or `--plaintext`.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "net/tls.h"
#include "tools/cluster_processes.h"
#include "tools/options.h"

namespace consensus_lab::tools {

struct AccessWords {
  std::string dir, cluster, certs;
  bool plaintext = false;
};

struct Access {
  Cluster cluster;
  std::shared_ptr<net::Tls> tls;  // none: plain text
};

// --dir, --cluster, --certs, --plaintext.
void declare_access(CommandLine& line, AccessWords& words);
// The cluster and its TLS settings, or what is wrong (one line).
std::optional<Text> resolve_access(const AccessWords& words, Access& access);

// A cluster folder's wire: DIR/wire says `tls` or `plaintext` (conlab
// cluster start writes it); DIR/tls holds the certificates.
void write_wire(const std::filesystem::path& folder, bool plaintext);
// The TLS settings of a client of the cluster in `folder` (null: plain
// text). Throws net::TlsError.
std::shared_ptr<net::Tls> folder_tls(const std::filesystem::path& folder);

}  // namespace consensus_lab::tools
