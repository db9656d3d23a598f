# Runs a command that narrates in Chinese (`--lang zh` is among its
# arguments) and fails if its output has an English word left in it.
#
#   cmake "-DCOMMAND=path/to/demo;--lang;zh" [-DEXPECT_STATUS=2] -P NoEnglishInChinese.cmake
#
# The command must exit with EXPECT_STATUS (default 0): a scenario file that
# cannot run exits 2, and its error line must be Chinese too; `conlab check`
# exits 1 when it finds a violation.
#
# An English word is a run of three or more ASCII letters. Allowed, and why:
#  - what is not words: numbers, (7, 4), [5, 7], x←3, "ms" (two letters);
#  - node ids with a number (client1, S4): names, not English;
#  - the lines `conlab run --trace` echoes from the scenario file ("第 7 行：
#    deliver client1 A"): they quote the scenario language, which is English;
#    so do a usage line ("用法：deliver FROM TO [TYPE]") and a failed
#    expectation ("期望不成立：promised C 1；实际：promised C 5");
#  - the file a report line names ("tests/scenarios/errors/empty.txt:1: 错误：…");
#  - words of the scenario language or of the file, quoted in backticks or
#    single quotes ("`set heartbeat` 属于 `multipaxos`", "未知的命令 'delivr'");
#  - titles in 《》, such as the paper 《Paxos Made Simple》: a name;
#  - what the program quotes in its own language: an option in backticks
#    (`commit-current-term-only=off`, as above), a conlab command line to run
#    next ("重放它：conlab run FILE --trace --lang zh"), and paths (a word
#    with a slash: docs/zh/checker.md, the file a counterexample was written
#    to);
#  - the words of the short list below: the protocols' names as the notes
#    write them (Basic Paxos, Multi-Paxos, Raft, Chubby), "RPC" as in the
#    notes' 请求投票 RPC and 日志复制 RPC, and "noop", a command as the log
#    shows it (the notes' Paxos Made Simple §3 calls it no-op); and "conlab",
#    the program's name, which starts its error lines ("conlab: 错误：…").
set(allowed Basic Paxos Multi Raft Chubby RPC noop conlab)

execute_process(
  COMMAND ${COMMAND}
  OUTPUT_VARIABLE output
  ERROR_VARIABLE errors
  RESULT_VARIABLE status)
if(NOT DEFINED EXPECT_STATUS)
  set(EXPECT_STATUS 0)
endif()
if(NOT status EQUAL EXPECT_STATUS)
  message(FATAL_ERROR "${COMMAND} exited with ${status}, not ${EXPECT_STATUS}:\n${output}\n${errors}")
endif()
set(text "${output}${errors}")
string(REGEX REPLACE "(第 [0-9]+ 行|用法|期望不成立)：[^\n]*" "" text "${text}")
string(REGEX REPLACE "(^|\n)[^:\n]+:[0-9]+: " "\\1" text "${text}")
string(REGEX REPLACE "`[^`\n]*`" "" text "${text}")
string(REGEX REPLACE "'[^' \n]*'" "" text "${text}")
string(REGEX REPLACE "《[A-Za-z ]*》" "" text "${text}")
string(REGEX REPLACE "conlab [^\n]*" "" text "${text}")
string(REGEX REPLACE "[A-Za-z0-9_.~-]*/[A-Za-z0-9_./-]*" "" text "${text}")
string(REGEX REPLACE "[A-Za-z_-]*[A-Za-z][0-9]+" "" text "${text}")
string(REGEX MATCHALL "[A-Za-z][A-Za-z][A-Za-z]+" words "${text}")
list(REMOVE_DUPLICATES words)
list(REMOVE_ITEM words ${allowed})
if(words)
  set(report "")
  foreach(word IN LISTS words)
    string(REGEX MATCH "[^\n]*[^A-Za-z]${word}[^A-Za-z][^\n]*" line "\n${text}\n")
    string(STRIP "${line}" line)
    string(APPEND report "  ${word}:  ${line}\n")
  endforeach()
  message(FATAL_ERROR "English words left in the Chinese output of ${COMMAND}:\n${report}")
endif()
