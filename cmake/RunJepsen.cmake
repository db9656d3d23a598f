# Runs `conlab jepsen` and passes only when it exits 0 having said
# "verdict: linearizable" (docs/real-cluster.md, "A Jepsen-style test").
#
#   cmake "-DCOMMAND=path/to/conlab;jepsen;--protocol;raft;…" -P RunJepsen.cmake
execute_process(COMMAND ${COMMAND} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
message("${out}${err}")
if(NOT status EQUAL 0 OR NOT out MATCHES "\nverdict: linearizable \\(")
  message(FATAL_ERROR "conlab jepsen exited with ${status}, not 0 and linearizable")
endif()
