// A cluster's own certificate authority and the certificates it signs
// (net/tls.h): what `conlab cluster start` and `conlab certs` write, with
// OpenSSL's API (no `openssl` program needed). Keys are ECDSA P-256;
// certificates are X.509 v3, SHA-256.
//
//   FOLDER/ca.crt, ca.key      the CA (self-signed; the key signs the others)
//   FOLDER/A.crt, A.key        node A:       subject OU=node,   CN=A
//   FOLDER/client.crt, …       a client:     subject OU=client, CN=client
//
// The keys are written readable by their owner only. A throwaway CA is for
// a laptop or a lab: whoever can read ca.key can make members.
#pragma once

#include <filesystem>
#include <vector>

#include "net/tls.h"

namespace consensus_lab::net {

struct Validity {
  long from_seconds = -3600;                 // not before: now + this (an hour ago: clocks differ)
  long for_seconds = 10L * 365 * 24 * 3600;  // not after: not-before + this
};

// Writes FOLDER/ca.crt and ca.key (the folder is created); throws TlsError.
void make_authority(const std::filesystem::path& folder);
// Writes FOLDER/NAME.crt and NAME.key for `who`, signed by FOLDER's CA;
// NAME is the id. Throws TlsError (no CA there, a file not written).
void make_certificate(const std::filesystem::path& folder, const Certified& who,
                      Validity validity = {});
// The CA if the folder has none, then a certificate for each of `who` that
// has none: what `conlab cluster start` and `add-node` call.
void make_missing(const std::filesystem::path& folder, const std::vector<Certified>& who);

}  // namespace consensus_lab::net
