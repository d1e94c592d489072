# Use ccache when present. Paths are hashed relative to the source tree and
# without the build directory, so another checkout or build folder on the same
# machine (CI clones into a fresh folder) reuses the cached objects.
find_program(DYNOP_CCACHE ccache)
if(DYNOP_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(_dynop_launcher ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}
                      CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=include_file_mtime,include_file_ctime
                      ${DYNOP_CCACHE})
  set(CMAKE_C_COMPILER_LAUNCHER ${_dynop_launcher})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${_dynop_launcher})
endif()
