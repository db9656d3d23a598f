// Is a text one well-formed JSON object (RFC 8259) from its first character
// to its last, safe to put inside the page's <script> element as it is (no
// "<" at all: the page's own JSON writes it "\u003c")? The live view (docs/viewer.md
// §5) forwards what nodes tell it; a line that is not is refused, so that a
// garbled line never breaks the page.
#pragma once

#include <string_view>

namespace consensus_lab::viewer {

bool is_json_object(std::string_view text);

}  // namespace consensus_lab::viewer
