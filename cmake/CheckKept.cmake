# Checks that a counterexample kept in tests/scenarios/checker/ is still what
# the command on its first line writes: the docs quote these files and their
# seeds, and a change to the checker or the simulator draws other runs.
#
#   cmake -DCONLAB=path/to/conlab -DKEPT=path/to/kept.txt -DOUT=path/to/new.txt
#         -P CheckKept.cmake
#
# The checker's first line reads "# conlab check ARGUMENTS (shrunk from N
# lines)" (a teacher's answer may have comments above it). The script runs
# `conlab check ARGUMENTS --out OUT` and compares the scenario lines of both
# files: every line but the comment lines (`#` first), which hold the length
# before shrinking, the directives RunScenario.cmake reads and any
# explanation. On a difference it prints both and the command that writes the
# kept file again.
set(written_by "^# conlab (check .*) \\(shrunk from [0-9]+ lines\\)$")
file(STRINGS ${KEPT} first_line REGEX "${written_by}" LIMIT_COUNT 1)
if(NOT first_line MATCHES "${written_by}")
  message(FATAL_ERROR "${KEPT}: no line names the command that wrote it "
                      "(# conlab check … (shrunk from N lines))")
endif()
set(command_line "${CMAKE_MATCH_1}")
separate_arguments(arguments UNIX_COMMAND "${command_line}")

get_filename_component(out_folder ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${out_folder})
file(REMOVE ${OUT})
execute_process(COMMAND ${CONLAB} ${arguments} --out ${OUT}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
set(rewrite "${CONLAB} ${command_line} --out ${KEPT}")
if(NOT EXISTS ${OUT})
  message(NOTICE "conlab ${command_line}\nexited ${status} and wrote no counterexample: "
                 "the seed no longer fails. Find one that fails the same invariant with "
                 "the rule off (--seeds 1..500 --keep-going), then write the file with "
                 "--out ${KEPT}\nIt printed:\n${out}${err}")
  message(FATAL_ERROR "${KEPT}: its first line finds no counterexample now")
endif()

# The text without its comment lines: "\n#…" up to the end of the line goes.
function(scenario_lines file result)
  file(READ ${file} text)
  string(REGEX REPLACE "\n#[^\n]*" "" text "\n${text}")
  set(${result} "${text}" PARENT_SCOPE)
endfunction()
scenario_lines(${KEPT} kept)
scenario_lines(${OUT} written)
if(NOT kept STREQUAL written)
  # NOTICE prints the files as they are; FATAL_ERROR would rewrap them.
  file(READ ${KEPT} kept_text)
  file(READ ${OUT} written_text)
  message(NOTICE "conlab ${command_line}\nno longer writes the kept file.\n"
                 "--- kept, ${KEPT}:\n${kept_text}"
                 "--- written now:\n${written_text}"
                 "If the new run is right, write the file again (then put back any "
                 "comment lines above the checker's and update the docs that quote "
                 "it):\n  ${rewrite}\n")
  message(FATAL_ERROR "${KEPT} differs from what its first line writes now")
endif()
