# SPDX-License-Identifier: GPL-2.0
#
# Helpers so that each component's CMakeLists.txt reads like a manifest.

set(VBR_UAPI_INCLUDE ${PROJECT_SOURCE_DIR}/include)

# vbr_add_library(NAME SOURCES src... [MAP file.map] [HEADERS hdr...]
#                 [LIBS lib...] [VERSION x.y.z] [SOVERSION n])
# A shared library with a symbol version script, the public headers
# installed, and include/ (our uAPI compat headers) on its private path.
function(vbr_add_library name)
  cmake_parse_arguments(A "" "MAP;VERSION;SOVERSION" "SOURCES;HEADERS;LIBS"
    ${ARGN})
  if(NOT A_VERSION)
    set(A_VERSION 1.0.0)
  endif()
  if(NOT A_SOVERSION)
    set(A_SOVERSION 1)
  endif()
  add_library(${name} SHARED ${A_SOURCES})
  target_include_directories(${name}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}>
           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${VBR_UAPI_INCLUDE})
  target_compile_definitions(${name} PRIVATE _GNU_SOURCE _FILE_OFFSET_BITS=64)
  set_target_properties(${name} PROPERTIES
    VERSION ${A_VERSION} SOVERSION ${A_SOVERSION}
    C_VISIBILITY_PRESET hidden PUBLIC_HEADER "${A_HEADERS}")
  if(A_MAP)
    set(map ${CMAKE_CURRENT_SOURCE_DIR}/${A_MAP})
    target_link_options(${name} PRIVATE "LINKER:--version-script=${map}"
      "LINKER:--no-undefined")
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${map})
  endif()
  if(A_LIBS)
    target_link_libraries(${name} PRIVATE ${A_LIBS})
  endif()
  install(TARGETS ${name}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()

# vbr_add_tool(NAME SOURCES src... [LIBS lib...] [NOINSTALL])
# A program: lands in $BUILD/bin, which the VM runner copies into the
# guest, and is installed unless NOINSTALL (the test programs).
function(vbr_add_tool name)
  cmake_parse_arguments(A "NOINSTALL" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_compile_definitions(${name} PRIVATE _GNU_SOURCE _FILE_OFFSET_BITS=64)
  if(A_LIBS)
    target_link_libraries(${name} PRIVATE ${A_LIBS})
  endif()
  if(NOT A_NOINSTALL)
    install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endfunction()

# vbr_add_test(NAME SOURCES src... [LIBS lib...] [INCLUDES dir...]
#              [LABELS label...] [ARGS arg...] [TIMEOUT s])
# A C test program registered with ctest as <name>. It is built outside
# $BUILD/bin so that it does not end up in the guest.
function(vbr_add_test name)
  cmake_parse_arguments(A "" "TIMEOUT" "SOURCES;LIBS;INCLUDES;LABELS;ARGS"
    ${ARGN})
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 60)
  endif()
  add_executable(${name} ${A_SOURCES})
  target_compile_definitions(${name} PRIVATE _GNU_SOURCE _FILE_OFFSET_BITS=64)
  set_target_properties(${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
    BUILD_WITH_INSTALL_RPATH OFF)
  if(A_INCLUDES)
    target_include_directories(${name} PRIVATE ${A_INCLUDES})
  endif()
  if(A_LIBS)
    target_link_libraries(${name} PRIVATE ${A_LIBS})
  endif()
  add_test(NAME ${name} COMMAND ${name} ${A_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS "${A_LABELS}"
    TIMEOUT ${A_TIMEOUT})
endfunction()

# vbr_add_script_test(NAME COMMAND cmd... [LABELS label...] [TIMEOUT s])
function(vbr_add_script_test name)
  cmake_parse_arguments(A "" "TIMEOUT" "COMMAND;LABELS" ${ARGN})
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 60)
  endif()
  add_test(NAME ${name} COMMAND ${A_COMMAND})
  set_tests_properties(${name} PROPERTIES LABELS "${A_LABELS}"
    TIMEOUT ${A_TIMEOUT})
endfunction()

# vbr_man_aliases(PAGE): in section 3, every other name in PAGE's NAME section gets an
# alias page (".so manN/PAGE.N") so that "man NAME" finds it, unless the
# name has a page of its own next to PAGE.
function(vbr_man_aliases page)
  get_filename_component(dir ${page} DIRECTORY)
  get_filename_component(name ${page} NAME)
  string(REGEX REPLACE "\\.md$" "" name ${name})
  string(REGEX MATCH "[1-8]$" sect ${name})
  string(REGEX REPLACE "\\.[1-8]$" "" base ${name})
  if(NOT sect STREQUAL "3") # functions; a tool's page is its own name
    return()
  endif()
  file(READ ${page} text)
  string(REGEX MATCH "(\n\\.SH NAME|\n# NAME)\n+[^\n-]*(\n[^\n-]*)*" names
    "${text}")
  string(REGEX REPLACE "^(\n\\.SH NAME|\n# NAME)\n+" "" names "${names}")
  string(REGEX REPLACE "[ \t\n\\]+" "" names "${names}")
  string(REPLACE "," ";" names "${names}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${page})
  foreach(alias ${names})
    if(alias STREQUAL base OR EXISTS ${dir}/${alias}.${sect} OR
       EXISTS ${dir}/${alias}.${sect}.md)
      continue()
    endif()
    set(out ${CMAKE_CURRENT_BINARY_DIR}/man/alias/${alias}.${sect})
    file(CONFIGURE OUTPUT ${out} CONTENT ".so man${sect}/${name}\n")
    install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${sect})
  endforeach()
endfunction()

# vbr_add_man_pages(DIR): install the manual pages in DIR. Roff pages
# (NAME.N) are installed as they are; markdown ones (NAME.N.md, the
# rdma-core habit) are turned into roff by scripts/md2man at build time.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
function(vbr_add_man_pages dir)
  file(GLOB roff CONFIGURE_DEPENDS ${dir}/*.[1-8])
  file(GLOB md CONFIGURE_DEPENDS ${dir}/*.[1-8].md)
  set(outs)
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/man)
  foreach(page ${md})
    get_filename_component(name ${page} NAME)
    string(REGEX REPLACE "\\.md$" "" name ${name})
    set(out ${CMAKE_CURRENT_BINARY_DIR}/man/${name})
    add_custom_command(OUTPUT ${out}
      COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/md2man
              ${page} ${out}
      DEPENDS ${page} ${PROJECT_SOURCE_DIR}/scripts/md2man
      VERBATIM)
    list(APPEND outs ${out})
  endforeach()
  foreach(page ${roff} ${outs})
    get_filename_component(name ${page} NAME)
    string(REGEX MATCH "[1-8]$" sect ${name})
    install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${sect})
  endforeach()
  foreach(page ${roff} ${md})
    vbr_man_aliases(${page})
  endforeach()
  if(outs)
    file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${dir})
    string(MAKE_C_IDENTIFIER "man_${rel}" target)
    add_custom_target(${target} ALL DEPENDS ${outs})
  endif()
endfunction()

# vbr_install_package(NAME [DEPENDS pkg...]): the CMake package for the
# library target NAME: find_package(NAME) gives NAME::NAME, its version
# the project's (compatible within a major version), after finding the
# packages of ours it needs (DEPENDS). Relocatable: the files find the
# library relative to where they are installed.
include(CMakePackageConfigHelpers)
function(vbr_install_package name)
  cmake_parse_arguments(A "" "" "DEPENDS" ${ARGN})
  set(dir ${CMAKE_INSTALL_LIBDIR}/cmake/${name})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/cmake)
  set(VBR_PKG_NAME ${name})
  set(VBR_PKG_FIND_DEPS "")
  foreach(dep ${A_DEPENDS})
    string(APPEND VBR_PKG_FIND_DEPS
      "find_dependency(${dep} ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})\n")
  endforeach()
  install(TARGETS ${name} EXPORT ${name}Targets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(EXPORT ${name}Targets NAMESPACE ${name}:: DESTINATION ${dir})
  configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/packageConfig.cmake.in
    ${out}/${name}Config.cmake INSTALL_DESTINATION ${dir})
  write_basic_package_version_file(${out}/${name}ConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
  install(FILES ${out}/${name}Config.cmake ${out}/${name}ConfigVersion.cmake
    DESTINATION ${dir})
endfunction()

# vbr_install_pc(FILE.pc.in): configure and install a pkg-config file. It
# may use @VBR_PC_PREFIX@ (the prefix relative to the file, so that the
# install is relocatable), @PROJECT_VERSION@ and the GNUInstallDirs
# variables.
function(vbr_install_pc in)
  file(RELATIVE_PATH rel /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
  string(REGEX REPLACE "/$" "" rel "${rel}")
  set(VBR_PC_PREFIX "\${pcfiledir}/${rel}")
  get_filename_component(name ${in} NAME)
  string(REGEX REPLACE "\\.in$" "" name ${name})
  configure_file(${in} ${CMAKE_CURRENT_BINARY_DIR}/${name} @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/${name}
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endfunction()
