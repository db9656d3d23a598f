# Checks that a file the explorer wrote and tests/scenarios/explore/ keeps is
# still what the command on its first line writes, line for line: the docs
# quote these counterexamples, and the search is deterministic.
#
#   cmake -DCONLAB=path/to/conlab -DKEPT=path/to/kept.txt -DOUT=path/to/new.txt
#         -P CheckExplored.cmake
#
# The first line reads "# conlab explore ARGUMENTS". The script runs
# `conlab explore ARGUMENTS --out OUT_FOLDER/NAME` in the kept file's folder
# (a FILE argument is named from there; the written file names itself
# without a path) and compares both files.
file(STRINGS ${KEPT} first_line LIMIT_COUNT 1)
if(NOT first_line MATCHES "^# conlab (explore .*)$")
  message(FATAL_ERROR "${KEPT}: the first line does not name the command that wrote it "
                      "(# conlab explore …)")
endif()
set(command_line "${CMAKE_MATCH_1}")
separate_arguments(arguments UNIX_COMMAND "${command_line}")
get_filename_component(folder ${KEPT} DIRECTORY)
get_filename_component(name ${KEPT} NAME)
get_filename_component(out_folder ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${out_folder})
file(REMOVE ${out_folder}/${name})
# Written under the kept file's own name, in a folder of its own.
execute_process(COMMAND ${CONLAB} ${arguments} --out ${out_folder}/${name}
                WORKING_DIRECTORY ${folder}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
if(NOT EXISTS ${out_folder}/${name})
  message(FATAL_ERROR "conlab ${command_line} wrote nothing (exit ${status}):\n${out}${err}")
endif()
file(READ ${KEPT} kept)
file(READ ${out_folder}/${name} written)
if(NOT kept STREQUAL written)
  message(FATAL_ERROR "${KEPT} is no longer what conlab ${command_line} writes:\n"
                      "--- kept\n${kept}\n--- written now\n${written}\n"
                      "If the new run is right: cd ${folder} && ${CONLAB} ${command_line} --out ${name}")
endif()
