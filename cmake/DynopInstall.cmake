# Where dynop's files go, relative to the install prefix (/usr in the deb and
# rpm packages, see packaging/), and the one-line install rules each
# component's own CMakeLists uses:
#
#   dynop_install_program(dynop-localcluster COMPONENT localcluster
#                         DESCRIPTION "single-process Kubernetes-compatible API server")
#       installs the executable into bin/, and packaging/ gives it a man page
#       generated from its real --help (help2man) in the same component.
#   dynop_add_plugin(NAME my_plugin SOURCES ... INSTALL)   (cmake/DynopPlugin.cmake)
#       installs a default plugin into the host's plugin folder (component plugins).
#
# Components are packages' contents (packaging/CMakeLists.txt): host and
# plugins -> dynop, sdk -> dynop-dev, localcluster -> dynop-localcluster,
# sim -> dynop-sim.
include(GNUInstallDirs)

function(dynop_install_program target)
  cmake_parse_arguments(ARG "" "COMPONENT;DESCRIPTION" "" ${ARGN})
  if(NOT ARG_COMPONENT OR NOT ARG_DESCRIPTION)
    message(FATAL_ERROR "dynop_install_program(${target}): COMPONENT and DESCRIPTION are required")
  endif()
  install(TARGETS ${target} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT ${ARG_COMPONENT})
  # Read by packaging/ once every target exists: one man page per program.
  set_property(GLOBAL APPEND PROPERTY DYNOP_INSTALLED_PROGRAMS ${target})
  set_target_properties(${target} PROPERTIES DYNOP_INSTALL_COMPONENT ${ARG_COMPONENT}
                                             DYNOP_DESCRIPTION "${ARG_DESCRIPTION}")
endfunction()
