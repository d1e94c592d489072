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
