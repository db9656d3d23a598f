# Demo 17 with --html FILE: a page for each of its three clusters, next to
# FILE (see tests/CMakeLists.txt), and a line naming each.
macro(fail message)
  message(FATAL_ERROR "${message}")
endmacro()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(COMMAND ${DEMO} --html ${WORK_DIR}/d17.html
                OUTPUT_VARIABLE out ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT (status EQUAL 0))
  fail("--html: exit ${status}, expected 0\n${errors}")
endif()
if(EXISTS ${WORK_DIR}/d17.html)
  fail("FILE itself is written: only its three protocol pages should be")
endif()

# page(PROTOCOL NAME MESSAGE): FILE-PROTOCOL.html holds the trace of NAME's
# run, with its events (MESSAGE among the messages sent) and its checks.
function(page protocol name message)
  set(path ${WORK_DIR}/d17-${protocol}.html)
  if(NOT EXISTS ${path})
    fail("no ${path}")
  endif()
  if(NOT (out MATCHES "wrote ${path} \\(open it in a browser\\)"))
    fail("the demo does not say it wrote ${path}:\n${out}")
  endif()
  file(READ ${path} html)
  foreach(wanted "\"protocol\":\"${protocol}\"" "\"en\":\"Demo 17 — ${name}"
                 "\"k\":\"send\"" "\"k\":\"deliver\"" "\"ty\":\"${message}\""
                 "\"held\":true" "\"ok\":true")
    string(FIND "${html}" "${wanted}" at)
    if(at EQUAL -1)
      fail("${path} lacks ${wanted}")
    endif()
  endforeach()
endfunction()

page(paxos "Basic Paxos" prepare)
page(multipaxos "Multi-Paxos" accept)
page(raft "Raft" append-entries)

# In Chinese, the same line in the notes' words.
execute_process(COMMAND ${DEMO} --lang zh --html ${WORK_DIR}/zh.html
                OUTPUT_VARIABLE out RESULT_VARIABLE status)
if(NOT (status EQUAL 0 AND out MATCHES "网页：${WORK_DIR}/zh-raft.html（在浏览器中打开）"))
  fail("--lang zh --html: exit ${status}, or no 网页：…zh-raft.html line:\n${out}")
endif()
