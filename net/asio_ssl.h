// Boost.Asio's SSL streams (OpenSSL), included after net/asio.h.
#pragma once

#include "net/asio.h"

#include <boost/asio/ssl.hpp>

namespace consensus_lab::net {
namespace ssl = asio::ssl;
}  // namespace consensus_lab::net
