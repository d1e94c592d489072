# Use ccache when present: a clean rebuild after `git clean` then costs seconds.
find_program(DYNOP_CCACHE ccache)
if(DYNOP_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_C_COMPILER_LAUNCHER "${DYNOP_CCACHE}")
  set(CMAKE_CXX_COMPILER_LAUNCHER "${DYNOP_CCACHE}")
endif()
