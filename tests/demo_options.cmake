# The options every demo shares, tried on demo 01 (see tests/CMakeLists.txt).
macro(fail message)
  message(FATAL_ERROR "${message}")
endmacro()

# --step waits for Enter between steps, reading standard input.
file(WRITE ${WORK_DIR}/enter.txt "\n\n\n")
execute_process(COMMAND ${DEMO} --step INPUT_FILE ${WORK_DIR}/enter.txt
                OUTPUT_VARIABLE out RESULT_VARIABLE status)
if(NOT (status EQUAL 0))
  fail("--step: exit ${status}")
endif()
string(REGEX MATCHALL "press Enter" prompts "${out}")
list(LENGTH prompts count)
if(NOT (count EQUAL 3))
  fail("--step: expected 3 prompts, got ${count}")
endif()

# --diagram and --msc write a Mermaid sequence diagram and mscgen input.
execute_process(COMMAND ${DEMO} --quiet --diagram ${WORK_DIR}/01.md --msc ${WORK_DIR}/01.msc
                RESULT_VARIABLE status)
if(NOT (status EQUAL 0))
  fail("--diagram/--msc: exit ${status}")
endif()
file(READ ${WORK_DIR}/01.md mermaid)
if(NOT (mermaid MATCHES "sequenceDiagram"))
  fail("no sequenceDiagram in the Mermaid file")
endif()
if(NOT (mermaid MATCHES "n0->>n2: Prepare 1"))
  fail("the Mermaid file lacks client1->>A: Prepare 1")
endif()
file(READ ${WORK_DIR}/01.msc msc)
if(NOT (msc MATCHES "^msc {"))
  fail("the .msc file does not start with msc {")
endif()
find_program(MSCGEN mscgen)
if(MSCGEN)
  execute_process(COMMAND ${MSCGEN} -T png -i ${WORK_DIR}/01.msc -o ${WORK_DIR}/01.png
                  RESULT_VARIABLE status ERROR_VARIABLE errors)
  if(NOT (status EQUAL 0))
  fail("mscgen rejects the .msc file: ${errors}")
endif()
endif()

# --lang zh speaks the notes' words.
execute_process(COMMAND ${DEMO} --lang zh OUTPUT_VARIABLE out RESULT_VARIABLE status)
if(NOT (status EQUAL 0))
  fail("--lang zh: exit ${status}")
endif()
if(NOT (out MATCHES "准备请求"))
  fail("--lang zh does not say 准备请求")
endif()

# A bad option: one line on stderr, exit 2.
execute_process(COMMAND ${DEMO} --no-such-option ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT (status EQUAL 2))
  fail("a bad option should exit 2, not ${status}")
endif()
if(NOT (errors MATCHES "error: .*no-such-option"))
  fail("a bad option should be named: ${errors}")
endif()
execute_process(COMMAND ${DEMO} --lang fr ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT (status EQUAL 2))
  fail("--lang fr should exit 2, not ${status}")
endif()

# --help tells what the demo shows and exits 0.
execute_process(COMMAND ${DEMO} --help OUTPUT_VARIABLE out RESULT_VARIABLE status)
if(NOT (status EQUAL 0))
  fail("--help: exit ${status}")
endif()
if(NOT (out MATCHES "--diagram"))
  fail("--help does not list --diagram")
endif()
