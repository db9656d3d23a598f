// The wire format of real mode (DESIGN.md §6): one line of text per message,
// in the words the trace prints, so that `nc` shows readable traffic:
//
//   RequestVote term 5 candidate A last-log 3 2
//   AppendEntries term 4 leader A prev 3 1 commit 2 entries 1 [ 4 put x 3 c7 12 ]
//   Accept ballot 5 slot 2 commit 1 [ put x 3 c7 12 ]
//
// Words are separated by one space. Strings (keys, values, client ids) are
// percent-encoded: bytes other than letters, digits and `_.~=+:/@,-` become
// %XX, and the empty string is a lone `%`. Numbers are plain decimal.
//
// The decoder is strict: a line longer than kMaxLine, an unknown word, a
// missing or extra word, a number out of range, a count that does not match
// what follows — each is a DecodeError naming what is wrong, never a crash
// and never a half-read message.
//
// The format, by idea:
//   net/wire_words.h       strings, node ids, DecodeError
//   net/line_writer.h      writing a line word by word (and a command alone)
//   net/line_reader.h      reading one, strictly (and a command alone)
//   net/raft_wire.h        Raft's messages
//   net/multipaxos_wire.h  Multi-Paxos's messages
//   net/client_wire.h      the first line of a connection; clients' requests and replies
#pragma once

#include "net/client_wire.h"
#include "net/line_reader.h"
#include "net/line_writer.h"
#include "net/multipaxos_wire.h"
#include "net/raft_wire.h"
#include "net/wire_words.h"
