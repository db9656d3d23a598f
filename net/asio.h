// Boost.Asio, included the one way this project does it. Boost 1.74's Asio
// does not build under g++ 12 in C++20 unless <utility> comes first.
// Completion handlers only (no coroutines: they do not build with clang 14,
// which the fuzzer and clang-tidy use).
#pragma once

#include <utility>

#include <boost/asio.hpp>

namespace consensus_lab::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
}  // namespace consensus_lab::net
