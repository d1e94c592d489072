# Warnings as errors for our own targets. Third-party headers come in as
# SYSTEM includes so their warnings never fail our build.
add_library(dynop_warnings INTERFACE)
target_compile_options(dynop_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Werror -Wno-unused-parameter
  $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Wold-style-cast -Wcast-align>
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-Wshadow=local>
  # GCC 12 reports false positives for both inside libstdc++'s std::string
  # when optimising (GCC bugs 105329, 105651); keep them from failing -O2 builds.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized -Wno-restrict>)

# dynop_target_defaults(target): what every first-party target gets.
function(dynop_target_defaults target)
  target_link_libraries(${target} PRIVATE dynop_warnings)
endfunction()
