// JSON, written in order, for the run viewer's trace (viewer/page.h): no
// parser, no tree — a writer that puts the commas where they belong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace consensus_lab::viewer {

// `text` as a JSON string, quotes included. Every "<" is written "\u003c"
// so that the JSON can sit inside an HTML <script> element: neither "</script"
// nor "<!--" (which changes how the browser looks for the end) can appear.
std::string quoted(std::string_view text);

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // An object's next key; its value follows.
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(bool flag);
  // Already written JSON (a card kept from before), as one value.
  JsonWriter& raw(std::string_view json);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();

  std::string out_;
  std::vector<bool> first_;  // per open object or array: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace consensus_lab::viewer
