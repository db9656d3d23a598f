# Runs one scenario file with conlab and checks the outcome the file asks for.
#
#   cmake -DCONLAB=path/to/conlab -DSCENARIO=path/to/file.txt -P RunScenario.cmake
#
# By default a scenario must pass (exit 0). A file can say otherwise in
# comments, which conlab itself ignores:
#   # expect-exit: 1                      the exit status conlab must return
#   # expect-output: FILE.txt:12: …       a line conlab must print, exactly
#   # expect-output-zh: FILE.txt:12: …    the same with --lang zh (conlab then
#                                         runs the file a second time)
# conlab runs in the file's folder, so its messages name the file without a path.
get_filename_component(folder ${SCENARIO} DIRECTORY)
get_filename_component(name ${SCENARIO} NAME)
# Lines may hold ';' (CMake's list separator): work on the text with ';'
# replaced by a placeholder.
file(READ ${SCENARIO} text)
string(REPLACE ";" "<semicolon>" text "${text}")
string(REPLACE "\n" ";" lines "${text}")
set(expected_exit 0)
set(expected_lines)
set(expected_lines_zh)
foreach(line IN LISTS lines)
  if(line MATCHES "^# expect-exit: ([0-9]+)")
    set(expected_exit ${CMAKE_MATCH_1})
  elseif(line MATCHES "^# expect-output: (.*)$")
    list(APPEND expected_lines "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^# expect-output-zh: (.*)$")
    list(APPEND expected_lines_zh "${CMAKE_MATCH_1}")
  endif()
endforeach()

# Runs conlab with `arguments` before the file's name: the exit status and
# every line of `expected` must be as the file says.
function(run_and_compare arguments expected)
  execute_process(COMMAND ${CONLAB} run ${arguments} ${name}
                  WORKING_DIRECTORY ${folder}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
  set(all "${out}${err}")
  if(NOT status EQUAL expected_exit)
    message(FATAL_ERROR "${name}: conlab exited ${status}, expected ${expected_exit}\n${all}")
  endif()
  string(REPLACE ";" "<semicolon>" printed "\n${all}")
  foreach(line IN LISTS expected)
    string(FIND "${printed}" "\n${line}\n" found)
    if(found EQUAL -1)
      string(REPLACE "<semicolon>" ";" line "${line}")
      message(FATAL_ERROR "${name}: conlab did not print the line\n  ${line}\nit printed:\n${all}")
    endif()
  endforeach()
endfunction()

run_and_compare("" "${expected_lines}")
if(expected_lines_zh)
  run_and_compare("--lang;zh" "${expected_lines_zh}")
endif()
