# The options every demo shares, tried on demo 01 (see tests/CMakeLists.txt).
macro(fail message)
  message(FATAL_ERROR "${message}")
endmacro()

# run_demo(EXIT ARGS … [INPUT FILE]): run the demo with ARGS (standard input
# from FILE); it must exit with EXIT. What it prints lands in `out` (standard
# output) and `errors` (standard error).
function(run_demo exit)
  cmake_parse_arguments(RUN "" "INPUT" "ARGS" ${ARGN})
  set(input)
  if(RUN_INPUT)
    set(input INPUT_FILE ${RUN_INPUT})
  endif()
  execute_process(COMMAND ${DEMO} ${RUN_ARGS} ${input}
                  OUTPUT_VARIABLE output ERROR_VARIABLE error RESULT_VARIABLE status)
  if(NOT (status EQUAL exit))
    fail("${RUN_ARGS}: exit ${status}, expected ${exit}\n${error}")
  endif()
  set(out "${output}" PARENT_SCOPE)
  set(errors "${error}" PARENT_SCOPE)
endfunction()

# --step waits for Enter between steps, reading standard input.
file(WRITE ${WORK_DIR}/enter.txt "\n\n\n")
run_demo(0 ARGS --step INPUT ${WORK_DIR}/enter.txt)
string(REGEX MATCHALL "press Enter" prompts "${out}")
list(LENGTH prompts count)
if(NOT (count EQUAL 3))
  fail("--step: expected 3 prompts, got ${count}")
endif()

# --diagram and --msc write a Mermaid sequence diagram and mscgen input.
run_demo(0 ARGS --quiet --diagram ${WORK_DIR}/01.md --msc ${WORK_DIR}/01.msc)
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
run_demo(0 ARGS --lang zh)
if(NOT (out MATCHES "准备请求"))
  fail("--lang zh does not say 准备请求")
endif()

# A bad option: one line on stderr, exit 2.
run_demo(2 ARGS --no-such-option)
if(NOT (errors MATCHES "error: .*no-such-option"))
  fail("a bad option should be named: ${errors}")
endif()
run_demo(2 ARGS --lang fr)

# --help tells what the demo shows and exits 0; with --lang zh, in Chinese.
run_demo(0 ARGS --help)
if(NOT (out MATCHES "--diagram"))
  fail("--help does not list --diagram")
endif()
run_demo(0 ARGS --help --lang zh)
if(NOT (out MATCHES "选项：" AND out MATCHES "把运行过程写成 Mermaid 时序图"))
  fail("--help --lang zh is not in the notes' Chinese: ${out}")
endif()
