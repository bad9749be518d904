# oatemu_add_app(NAME DIR <dir> [SOURCES <dir|file>...] [EXCLUDE <path>...] [INCLUDES <dir>...]
#                [DEFINES ...] [LIBS ...] [COMPILE_OPTIONS ...] [ILP32])
# Builds an Open AT project directory exactly as it is, as scripts/oatemu-build does: every .c
# under each SOURCES entry (default src; paths relative to DIR), <dir>/inc and <dir> on the
# include path, the SDK's C dialect, __DEBUG_APP__ and __OAT_API_VERSION__, includes whose case
# differs from the file on disk found (one warning each, at configure time). oatemu_add_test
# (OatemuTest.cmake) builds the same sources into a GoogleTest executable.
include(CheckCCompilerFlag)
# A cache entry, so the functions see it from any directory that calls them.
set(_OATEMU_APP_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "")

# The module's ARM GCC 4.x: shared tentative definitions, unsigned char, gnu89 inline, and
# what newer compilers made errors kept as warnings; only the flags this compiler takes.
function(_oatemu_dialect_flags out)
  set(flags)
  foreach(flag -fcommon -funsigned-char -fgnu89-inline
               -Wno-error=implicit-function-declaration -Wno-error=implicit-int
               -Wno-error=incompatible-pointer-types -Wno-error=int-conversion
               -Wno-error=return-mismatch -Wno-error=declaration-missing-parameter-type
               -fpermissive)
    string(MAKE_C_IDENTIFIER "OATEMU_CC_HAS${flag}" var)
    set(CMAKE_REQUIRED_QUIET ON)
    check_c_compiler_flag("-Werror ${flag}" ${var})
    if(${var})
      list(APPEND flags ${flag})
    endif()
  endforeach()
  set(${out} ${flags} PARENT_SCOPE)
endfunction()

# The project directory's sources and build settings (above), added to the target `name`;
# `fn` names the calling function in messages.
function(_oatemu_app_into name fn)
  cmake_parse_arguments(ARG "ILP32" "DIR" "SOURCES;EXCLUDE;INCLUDES;DEFINES;LIBS;COMPILE_OPTIONS"
                        ${ARGN})
  if(NOT ARG_DIR)
    message(FATAL_ERROR "${fn}(${name}): DIR <project-dir> is required")
  endif()
  if(ARG_ILP32 AND NOT CMAKE_SIZEOF_VOID_P EQUAL 4)
    message(FATAL_ERROR "${fn}(${name}) ILP32: this build has ${CMAKE_SIZEOF_VOID_P}-byte "
      "pointers; configure it with -DCMAKE_TOOLCHAIN_FILE=${_OATEMU_APP_CMAKE_DIR}/i386-linux.cmake")
  endif()
  get_filename_component(dir "${ARG_DIR}" ABSOLUTE)
  if(NOT ARG_SOURCES)
    set(ARG_SOURCES src)
  endif()

  set(srcs)
  foreach(s ${ARG_SOURCES})
    get_filename_component(s "${s}" ABSOLUTE BASE_DIR "${dir}")
    if(IS_DIRECTORY "${s}")
      file(GLOB_RECURSE found CONFIGURE_DEPENDS "${s}/*.c")
      list(APPEND srcs ${found})
    elseif(EXISTS "${s}")
      list(APPEND srcs "${s}")
    else()
      message(FATAL_ERROR "${fn}(${name}): SOURCES ${s}: no such file or directory")
    endif()
  endforeach()
  foreach(x ${ARG_EXCLUDE})
    get_filename_component(x "${x}" ABSOLUTE BASE_DIR "${dir}")
    list(FILTER srcs EXCLUDE REGEX "^${x}(/.*)?$")
  endforeach()
  if(NOT srcs)
    message(FATAL_ERROR "${fn}(${name}): no .c file under ${ARG_SOURCES} in ${dir}")
  endif()

  set(incs)
  if(IS_DIRECTORY "${dir}/inc")
    list(APPEND incs "${dir}/inc")
  endif()
  list(APPEND incs "${dir}")
  foreach(i ${ARG_INCLUDES})
    get_filename_component(i "${i}" ABSOLUTE BASE_DIR "${dir}")
    list(APPEND incs "${i}")
  endforeach()
  get_target_property(sdk_incs oatemu::oatemu INTERFACE_INCLUDE_DIRECTORIES)
  string(GENEX_STRIP "${sdk_incs}" sdk_plain)
  if(NOT sdk_plain)   # inside the oatemu tree the path is a $<BUILD_INTERFACE:...>
    string(REGEX REPLACE "\\$<BUILD_INTERFACE:([^>]*)>.*" "\\1" sdk_plain "${sdk_incs}")
  endif()
  set(shadow "${CMAKE_CURRENT_BINARY_DIR}/${name}-casefold")
  execute_process(COMMAND bash "${_OATEMU_APP_CMAKE_DIR}/oatemu-casefold" "${shadow}" "${dir}"
                          ${incs} ${sdk_plain}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${fn}(${name}): oatemu-casefold failed")
  endif()

  _oatemu_dialect_flags(dialect)
  set(defs __DEBUG_APP__ ${ARG_DEFINES})
  if(NOT ARG_DEFINES MATCHES "(^|;)__OAT_API_VERSION__(=|;|$)")
    list(APPEND defs __OAT_API_VERSION__=651)
  endif()

  target_sources(${name} PRIVATE ${srcs})
  target_include_directories(${name} PRIVATE ${incs})
  target_compile_definitions(${name} PRIVATE ${defs})
  # The dialect is the application's C; test files beside it (oatemu_add_test) are C++.
  target_compile_options(${name} PRIVATE "$<$<COMPILE_LANGUAGE:C>:${dialect}>"
                         -idirafter "${shadow}" ${ARG_COMPILE_OPTIONS})
  set_target_properties(${name} PROPERTIES C_STANDARD 11 C_EXTENSIONS ON)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
endfunction()

function(oatemu_add_app name)
  add_executable(${name})
  _oatemu_app_into(${name} oatemu_add_app ${ARGN})
  target_link_libraries(${name} PRIVATE oatemu::oatemu)
endfunction()

include("${CMAKE_CURRENT_LIST_DIR}/OatemuTest.cmake")
