# Every dependency is a Debian package; nothing is downloaded (cmake/setup-debian.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(simdjson REQUIRED)
find_package(fmt REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(Threads REQUIRED)
# Debian's libstb is precompiled: link it, never define STB_*_IMPLEMENTATION.
pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)
if(DE_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()
if(DE_WITH_TORCH)
  # Debian's package reports 1.13.0 (asking for 1.13.1 fails). Used by the model module only.
  find_package(Torch 1.13 REQUIRED)
endif()
