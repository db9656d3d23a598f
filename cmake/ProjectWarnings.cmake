# Warnings for the project's own targets only (never for dependencies).
function(consensus_lab_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast
                                           -Wconversion -Wsign-conversion
                                           # designated initializers leave the
                                           # other fields at their defaults on purpose
                                           -Wno-missing-field-initializers)
  if(CONSENSUS_LAB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
