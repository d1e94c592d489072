# The dynop executable: main.cpp wires config, logging, metrics, the ops
# server and the plugin loader together.
if(TARGET dynop_host_plugins)
  add_executable(dynop ${CMAKE_CURRENT_SOURCE_DIR}/main.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/app/kube_runtime.cpp)
  target_link_libraries(dynop PRIVATE
    dynop::host_config dynop::host_server dynop::host_plugins dynop::host_admission
    dynop::host_manager dynop::host_scheduler dynop::host_autoscaling dynop::host_prometheus dynop::host_ui
    dynop::leaderelection dynop::record dynop::controller dynop::kube_cache
    dynop::kube_client dynop::net dynop::log dynop::metrics dynop::cli
    spdlog::spdlog Threads::Threads)
  set_target_properties(dynop PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin
    # Plugins resolve the host's symbols only through the C ABI table; keep
    # the executable's own symbols out of their way.
    ENABLE_EXPORTS OFF)
  dynop_target_defaults(dynop)
  dynop_install_program(dynop COMPONENT host
                        DESCRIPTION "Kubernetes operator host for LLM inference graphs")
else()
  message(STATUS "dynop executable skipped: the plugin loader (dynop_host_plugins) is not there yet")
endif()
