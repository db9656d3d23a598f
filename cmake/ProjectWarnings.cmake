# Warnings for the project's own targets only (never for dependencies).
function(consensus_lab_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast
                                           -Wconversion -Wsign-conversion)
  if(CONSENSUS_LAB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
