# The dynop-localcluster binary (in ${CMAKE_BINARY_DIR}/bin).
add_executable(dynop-localcluster ${CMAKE_CURRENT_LIST_DIR}/main.cpp)
dynop_target_defaults(dynop-localcluster)
target_link_libraries(dynop-localcluster PRIVATE
  dynop::localcluster_server dynop::localcluster_admission dynop::localcluster_controllers dynop::localcluster_pki
  dynop::localcluster_builtin dynop::localcluster_table_renderer dynop::localcluster_faults dynop::localcluster_autoscaling_stack
  dynop::localcluster_prometheus_sd dynop::cli dynop::log spdlog::spdlog OpenSSL::Crypto)
set_target_properties(dynop-localcluster PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
dynop_install_program(dynop-localcluster COMPONENT localcluster
                      DESCRIPTION "single-process Kubernetes-compatible API server")
