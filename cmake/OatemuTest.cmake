# oatemu_add_test(NAME APP_DIR <dir> SOURCES <test files>... [APP_SOURCES <dir|file>...]
#                 [EXCLUDE <path>...] [INCLUDES <dir>...] [DEFINES ...] [LIBS ...]
#                 [COMPILE_OPTIONS ...] [ILP32] [PROPERTIES <ctest properties>...])
# A GoogleTest executable of an Open AT project's sources, built as oatemu_add_app builds them
# (APP_SOURCES is its SOURCES: default src), with the test files, linked with oatemu::testing
# (include/oatemu/testing.h, oatemu/gtest.h) and GoogleTest's main; every test is registered
# with ctest (gtest_discover_tests; the project calls enable_testing() at its top). Included by
# OatemuApp.cmake, so it comes with add_subdirectory(oatemu) and with find_package(oatemu).
function(oatemu_add_test name)
  cmake_parse_arguments(T "ILP32" "APP_DIR"
    "SOURCES;APP_SOURCES;EXCLUDE;INCLUDES;DEFINES;LIBS;COMPILE_OPTIONS;PROPERTIES" ${ARGN})
  if(NOT T_APP_DIR)
    message(FATAL_ERROR "oatemu_add_test(${name}): APP_DIR <project-dir> is required")
  endif()
  if(NOT T_SOURCES)
    message(FATAL_ERROR "oatemu_add_test(${name}): SOURCES <test files> is required")
  endif()
  if(NOT TARGET GTest::gtest_main)
    find_package(GTest REQUIRED)
  endif()
  include(GoogleTest)

  set(app DIR "${T_APP_DIR}")
  if(T_APP_SOURCES)
    list(APPEND app SOURCES ${T_APP_SOURCES})
  endif()
  foreach(kw EXCLUDE INCLUDES DEFINES LIBS COMPILE_OPTIONS)
    if(T_${kw})
      list(APPEND app ${kw} ${T_${kw}})
    endif()
  endforeach()
  if(T_ILP32)
    list(APPEND app ILP32)
  endif()

  add_executable(${name} ${T_SOURCES})
  _oatemu_app_into(${name} oatemu_add_test ${app})
  if(NOT DEFINED CMAKE_CXX_STANDARD)
    set_target_properties(${name} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON)
  endif()
  target_link_libraries(${name} PRIVATE oatemu::testing GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120 ${T_PROPERTIES})
endfunction()
