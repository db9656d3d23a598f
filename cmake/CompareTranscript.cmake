# Runs a demo and compares its standard output with a saved transcript.
#
#   cmake -DDEMO=path/to/demo -DTRANSCRIPT=demos/transcripts/NN_name.txt -P CompareTranscript.cmake
#
# With the environment variable REFRESH_TRANSCRIPTS=1 it rewrites the saved
# transcript instead (see README: "Refreshing the transcripts").
execute_process(
  COMMAND ${DEMO} --lang en
  OUTPUT_VARIABLE actual
  ERROR_VARIABLE errors
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${DEMO} exited with ${status}:\n${actual}\n${errors}")
endif()
if("$ENV{REFRESH_TRANSCRIPTS}" STREQUAL "1")
  file(WRITE ${TRANSCRIPT} "${actual}")
  message(STATUS "refreshed ${TRANSCRIPT}")
  return()
endif()
if(NOT EXISTS ${TRANSCRIPT})
  message(FATAL_ERROR "no saved transcript ${TRANSCRIPT}; run with REFRESH_TRANSCRIPTS=1 to make one")
endif()
file(READ ${TRANSCRIPT} expected)
if(NOT actual STREQUAL expected)
  get_filename_component(name ${TRANSCRIPT} NAME)
  set(actual_file ${CMAKE_CURRENT_BINARY_DIR}/${name}.actual)
  file(WRITE ${actual_file} "${actual}")
  message(FATAL_ERROR "the transcript differs from ${TRANSCRIPT}\n"
                      "  see: diff ${TRANSCRIPT} ${actual_file}\n"
                      "  if the new output is right: REFRESH_TRANSCRIPTS=1 ctest --test-dir build -R transcript")
endif()
