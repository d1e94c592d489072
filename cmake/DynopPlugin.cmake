# dynop_add_plugin(NAME name SOURCES src... [LIBS lib...] [OUTPUT_DIRECTORY dir]
#                  [INSTALL | INSTALL_DESTINATION dir])
#
# Builds one dynop plugin: a MODULE library named exactly <name>.so (no "lib"
# prefix; the host loads every *.so in its plugin folder), compiled as C++20
# with hidden visibility so the only exported symbols are the entry function
# DYNOP_PLUGIN() defines and its ABI 1.0 form (see "Entry function" in abi.h).
# Used in-tree and, installed with the SDK package, by out-of-tree plugins
# after find_package(dynop-sdk).
#
# In the dynop tree, plugins without OUTPUT_DIRECTORY land together in
# ${CMAKE_BINARY_DIR}/plugins, the folder to point the host at.
# INSTALL adds an install rule (component "plugins") into the host's plugin
# folder, lib/dynop/plugins under the install prefix (/usr/lib/dynop/plugins
# from a package, the host's default --plugin-dir); INSTALL_DESTINATION into
# another folder.
function(dynop_add_plugin)
  cmake_parse_arguments(ARG "INSTALL" "NAME;OUTPUT_DIRECTORY;INSTALL_DESTINATION" "SOURCES;LIBS"
                        ${ARGN})
  if(ARG_INSTALL AND ARG_INSTALL_DESTINATION)
    message(FATAL_ERROR "dynop_add_plugin(${ARG_NAME}): INSTALL or INSTALL_DESTINATION, not both")
  elseif(ARG_INSTALL)
    set(ARG_INSTALL_DESTINATION lib/dynop/plugins)
  endif()
  if(NOT ARG_NAME OR NOT ARG_SOURCES)
    message(FATAL_ERROR "dynop_add_plugin: NAME and SOURCES are required")
  endif()
  add_library(${ARG_NAME} MODULE ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE dynop::sdk ${ARG_LIBS})
  target_compile_features(${ARG_NAME} PRIVATE cxx_std_20)
  set_target_properties(${ARG_NAME} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(NOT ARG_OUTPUT_DIRECTORY AND CMAKE_PROJECT_NAME STREQUAL "dynop")
    set(ARG_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/plugins")
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${ARG_NAME} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  endif()
  if(ARG_INSTALL_DESTINATION)
    install(TARGETS ${ARG_NAME} LIBRARY DESTINATION "${ARG_INSTALL_DESTINATION}" COMPONENT plugins)
    # Read by packaging/ (the file list its tests expect in the dynop package).
    set_property(GLOBAL APPEND PROPERTY DYNOP_INSTALLED_PLUGINS ${ARG_NAME})
  endif()
  # Only the entry symbols leave the plugin. Hidden visibility is not enough:
  # static libraries linked in were not necessarily compiled hidden, and some
  # headers (Boost.System) force default visibility on their classes. Exported
  # extra symbols would interpose between plugins and the host.
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    set(_exports "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.exports")
    file(WRITE "${_exports}"
         "{\n  global: dynop_plugin_get_descriptor; dynop_plugin_entry;\n  local: *;\n};\n")
    target_link_options(${ARG_NAME} PRIVATE "LINKER:--exclude-libs,ALL"
                        "LINKER:--version-script=${_exports}")
    set_property(TARGET ${ARG_NAME} APPEND PROPERTY LINK_DEPENDS "${_exports}")
  endif()
  # An unresolved symbol should fail the link, not the host's dlopen later.
  # (Sanitizer runtimes resolve only at load time, hence the exception.)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND NOT DYNOP_SANITIZE)
    target_link_options(${ARG_NAME} PRIVATE "LINKER:--no-undefined")
  endif()
  # In-tree: the project's warnings-as-errors.
  if(COMMAND dynop_target_defaults)
    dynop_target_defaults(${ARG_NAME})
  endif()
endfunction()
