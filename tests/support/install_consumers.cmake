# `cmake --install` into a fresh prefix, then two out-of-tree consumers of the installed library
# build and run: one with find_package(dataengine), one with pkg-config and the C compiler.
# Run with -DBUILD=<build dir> -DSOURCE=<tests/consumer> -DWORK=<dir> -DCC=<C compiler>.
file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
if(NOT EXISTS ${prefix}/include/dataengine.h)
  message(FATAL_ERROR "no header installed")
endif()
file(GLOB libdirs ${prefix}/lib*)
file(GLOB_RECURSE pc ${prefix}/*/dataengine.pc)
get_filename_component(pcdir "${pc}" DIRECTORY)
get_filename_component(libdir "${pcdir}" DIRECTORY)

# find_package
run(${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK}/cmake-build -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK}/cmake-build)
set(ENV{LD_LIBRARY_PATH} ${libdir})
run(${WORK}/cmake-build/consumer)
message(STATUS "find_package: ${last_output}")

# pkg-config
set(ENV{PKG_CONFIG_PATH} ${pcdir})
run(pkg-config --cflags --libs dataengine)
string(STRIP "${last_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${CC} -std=c99 ${SOURCE}/main.c ${flags} -o ${WORK}/pkg-consumer)
run(${WORK}/pkg-consumer)
message(STATUS "pkg-config: ${last_output}")
