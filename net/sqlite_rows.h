// Small helpers for the SQLite statements of a node's data directory
// (net/storage.cpp, net/raft_store.cpp): binding numbers and texts, reading
// a row's columns, and resetting a one-off statement.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/types.h"

namespace consensus_lab::net::sqlite_rows {

// Resets a one-off statement when it goes out of scope: a statement left
// stepped keeps a read transaction open, and SQLite can then never fold the
// write-ahead log back into the database (it would grow without end).
class Done {
 public:
  explicit Done(sqlite3_stmt* statement) : statement_(statement) {}
  ~Done() { sqlite3_reset(statement_); }
  Done(const Done&) = delete;
  Done& operator=(const Done&) = delete;

 private:
  sqlite3_stmt* statement_;
};

// Not named bind: with <functional> in sight, a call bind(statement, 1,
// std::string(…)) would find std::bind by argument-dependent lookup, which
// takes the temporary string better, and bind nothing (the column stays NULL).
inline void bind_column(sqlite3_stmt* statement, int column, std::uint64_t number) {
  sqlite3_bind_int64(statement, column, static_cast<sqlite3_int64>(number));
}
inline void bind_column(sqlite3_stmt* statement, int column, const std::string& text) {
  sqlite3_bind_text(statement, column, text.c_str(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}
inline std::uint64_t number_at(sqlite3_stmt* statement, int column) {
  return static_cast<std::uint64_t>(sqlite3_column_int64(statement, column));
}
// The column's text, every byte of it (a value may hold any byte, NUL too);
// empty for NULL.
inline std::string text_at(sqlite3_stmt* statement, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
}

}  // namespace consensus_lab::net::sqlite_rows
