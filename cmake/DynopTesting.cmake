include(GoogleTest)
# dynop_add_gtest(NAME name SOURCES ... LIBS ... [TIMEOUT s] [EXCLUDE pattern] [ONE_PROCESS]):
# one GoogleTest binary, each TEST registered with ctest when ctest runs (not
# at build time). EXCLUDE (a --gtest_filter pattern, e.g. "OutOfTreePlugin.*")
# leaves cases out of that discovery: cases that need a fixture and run
# through their own add_test instead. ONE_PROCESS: the whole binary is one
# ctest test, so that a suite's SetUpTestSuite fixture (a cluster, a
# Prometheus) is made once, not once per test as discovery's one process per
# test would.
function(dynop_add_gtest)
  cmake_parse_arguments(ARG "ONE_PROCESS" "NAME;TIMEOUT;EXCLUDE" "SOURCES;LIBS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  dynop_target_defaults(${ARG_NAME})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  if(ARG_ONE_PROCESS)
    add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
    set_tests_properties(${ARG_NAME} PROPERTIES TIMEOUT ${ARG_TIMEOUT}
                         ENVIRONMENT "DYNOP_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
    return()
  endif()
  set(_filter)
  if(ARG_EXCLUDE)
    set(_filter TEST_FILTER "-${ARG_EXCLUDE}")
  endif()
  gtest_discover_tests(${ARG_NAME} DISCOVERY_MODE PRE_TEST ${_filter}
                       # One variable only: gtest_discover_tests flattens lists, so a
                       # second entry would turn into a bogus property name. The build
                       # tree is compiled into tests/support instead.
                       PROPERTIES TIMEOUT ${ARG_TIMEOUT}
                       ENVIRONMENT "DYNOP_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# dynop_add_fuzz_target(NAME n SOURCE f.cpp CORPUS dir LIBS ... [DEFINITIONS ...] [DEPENDS ...]):
# a fuzz entry point (LLVMFuzzerTestOneInput in f.cpp) built twice:
#   n_replay, with any compiler: replays every file of CORPUS through the entry
#     point, as the ctest n_corpus_replay;
#   n_fuzz, with clang: the libFuzzer binary. Code reached through LIBS carries
#     coverage when the tree is compiled with -fsanitize=fuzzer-no-link, as
#     tests/fuzz/fuzz_bounded.sh configures its clang tree (make test runs it).
function(dynop_add_fuzz_target)
  cmake_parse_arguments(ARG "" "NAME;SOURCE;CORPUS" "LIBS;DEFINITIONS;DEPENDS" ${ARGN})
  add_executable(${ARG_NAME}_replay ${ARG_SOURCE} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
  dynop_target_defaults(${ARG_NAME}_replay)
  set(_targets ${ARG_NAME}_replay)
  add_test(NAME ${ARG_NAME}_corpus_replay COMMAND ${ARG_NAME}_replay ${ARG_CORPUS})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_executable(${ARG_NAME}_fuzz ${ARG_SOURCE})
    # Not dynop_target_defaults: its warning set is GCC's (-Wshadow=local).
    target_compile_options(${ARG_NAME}_fuzz PRIVATE -fsanitize=fuzzer,address,undefined -Wall
                                                    -Wextra)
    target_link_options(${ARG_NAME}_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
    list(APPEND _targets ${ARG_NAME}_fuzz)
  endif()
  foreach(target IN LISTS _targets)
    target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} PRIVATE ${ARG_LIBS})
    if(ARG_DEFINITIONS)
      target_compile_definitions(${target} PRIVATE ${ARG_DEFINITIONS})
    endif()
    if(ARG_DEPENDS)
      add_dependencies(${target} ${ARG_DEPENDS})
    endif()
  endforeach()
endfunction()
