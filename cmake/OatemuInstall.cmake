# Installation: the SDK-compatible headers and the test kit's (oatemu/testing.h, gtest.h),
# liboatemu.a (with main()), liboatemu_testing.a (without), a CMake package that gives
# find_package(oatemu) + oatemu_add_app() + oatemu_add_test(), and oatemu.pc for Makefile users.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/oatemu-sdk
        FILES_MATCHING PATTERN "*.h")
install(TARGETS oatemu oatemu_testing EXPORT oatemuTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
set(OATEMU_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/oatemu)
install(EXPORT oatemuTargets NAMESPACE oatemu:: DESTINATION ${OATEMU_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/oatemuConfig.cmake.in
  ${PROJECT_BINARY_DIR}/oatemuConfig.cmake INSTALL_DESTINATION ${OATEMU_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/oatemuConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/oatemuConfig.cmake
              ${PROJECT_BINARY_DIR}/oatemuConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/OatemuApp.cmake
              ${PROJECT_SOURCE_DIR}/cmake/OatemuTest.cmake
              ${PROJECT_SOURCE_DIR}/cmake/i386-linux.cmake
        DESTINATION ${OATEMU_CMAKE_DIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/cmake/oatemu-casefold DESTINATION ${OATEMU_CMAKE_DIR})
# The .pc file finds the prefix from its own place, so --prefix at install time works.
file(RELATIVE_PATH OATEMU_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(${PROJECT_SOURCE_DIR}/cmake/oatemu.pc.in ${PROJECT_BINARY_DIR}/oatemu.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/oatemu.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
