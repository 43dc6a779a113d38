# cmake --install: headers, both libraries, a CMake package and a pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS dataengine dataengine_static EXPORT dataengineTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES capi/dataengine.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/dataengine DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT dataengineTargets NAMESPACE dataengine:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dataengine)
configure_package_config_file(cmake/dataengineConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/dataengineConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dataengine)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/dataengineConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dataengineConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/dataengineConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dataengine)
configure_file(cmake/dataengine.pc.in ${CMAKE_CURRENT_BINARY_DIR}/dataengine.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dataengine.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(TARGET dataengine_cli)
  install(TARGETS dataengine_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
