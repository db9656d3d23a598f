// The usual helper for std::visit with one lambda per alternative.
#pragma once

namespace consensus_lab {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};

}  // namespace consensus_lab
