// The usual helper for std::visit with one lambda per alternative.
#pragma once

namespace consensus_lab {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
// C++20 deduces this by itself; clang 14 (the fuzzer's compiler) needs it said.
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace consensus_lab
