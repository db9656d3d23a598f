// A count as reports print it: 1234567 → "1,234,567" (the checker's and the
// explorer's figures).
#pragma once

#include <cstdint>
#include <string>

namespace consensus_lab {

inline std::string grouped(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string text;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) text += ',';
    text += digits[i];
  }
  return text;
}

}  // namespace consensus_lab
