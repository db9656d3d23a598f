// libFuzzer target for the wire decoder (net/wire.h): any bytes at all must
// decode or throw DecodeError — never crash, hang or read out of bounds — and
// whatever decodes must encode back to a line that decodes to the same thing.
//
//   ./lab fuzz [SECONDS]      (clang: cmake --preset fuzz; see README)
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/admin_wire.h"
#include "net/wire.h"

using namespace consensus_lab::net;

namespace {

// decode(encode(m)) must give m back, seen through its encoding.
template <class Decode>
void round_trip(std::string_view line, Decode decode) {
  try {
    const auto message = decode(line);
    const std::string once = encode(message);
    const std::string twice = encode(decode(once));
    if (once != twice) __builtin_trap();
  } catch (const DecodeError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  round_trip(line, decode_raft);
  round_trip(line, decode_multipaxos);
  round_trip(line, decode_hello);
  round_trip(line, decode_request);
  round_trip(line, decode_reply);
  round_trip(line, decode_admin_request);
  round_trip(line, decode_command);
  try {
    const std::string text = decode_string(line);
    if (decode_string(encode_string(text)) != text) __builtin_trap();
  } catch (const DecodeError&) {
  }
  return 0;
}
