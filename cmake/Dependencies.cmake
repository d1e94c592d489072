# Every dependency comes from Debian 12 packages (packaging/debian-packages.txt).
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS json url filesystem program_options)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(simdjson REQUIRED)
find_package(SQLite3 REQUIRED)
# Only prometheus-cpp::core is linked; the package's config also finds the
# civetweb/curl/zlib its pull and push libraries need (Debian installs them).
find_package(prometheus-cpp REQUIRED CONFIG)  # Debian ships no version file
if(DYNOP_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(DYNOP_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Asio and Beast are compiled once, in lib/net (asio_impl.cpp), instead of in
# every translation unit that includes them: a one-file change rebuilds in
# seconds. Every target that includes Asio/Beast links dynop::net.
add_compile_definitions(BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
                        BOOST_ASIO_NO_DEPRECATED BOOST_JSON_NO_LIB BOOST_URL_NO_LIB)
