# Every test case's name, as a doctest binary lists it, must be one CTest can
# hand back to it: CTest splits a test's arguments at ';', so a case whose
# name holds one is registered as a name that matches no case — and passes
# without running. Run by the test `tests.names` (tests/CMakeLists.txt):
#   cmake "-DBINARIES=a|b" -P TestNames.cmake
string(REPLACE "|" ";" BINARIES "${BINARIES}")
foreach(binary IN LISTS BINARIES)
  execute_process(COMMAND "${binary}" --list-test-cases --no-version
                  OUTPUT_VARIABLE listed RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${binary} --list-test-cases failed (${status})")
  endif()
  string(REPLACE ";" "<semicolon>" listed "${listed}")
  string(REPLACE "\n" ";" lines "${listed}")
  foreach(line IN LISTS lines)
    if(line MATCHES "<semicolon>")
      string(REPLACE "<semicolon>" ";" shown "${line}")
      message(SEND_ERROR "a test name with ';' never runs under CTest: ${shown}")
    endif()
  endforeach()
endforeach()
