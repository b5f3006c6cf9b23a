# Shared build helpers for slipway's layers.

set(SLIPWAY_WARNINGS -Wall -Wextra)

# One precompiled header for every layer and the CLI, built once: they compile with the same
# flags, so GCC accepts one .gch for all of them (each layer compiling its own copy cost about
# 8 s of a core per layer on a fresh clone). Libraries whose defines differ only in macros the
# header does not use (cpp-httplib's) still reuse it; -Winvalid-pch would say otherwise.
add_library(slipway_pch OBJECT ${CMAKE_SOURCE_DIR}/cmake/pch.cpp)
target_include_directories(slipway_pch PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_options(slipway_pch PRIVATE ${SLIPWAY_WARNINGS})
target_link_libraries(slipway_pch PRIVATE fmt::fmt nlohmann_json::nlohmann_json PkgConfig::LIBPQXX)
target_precompile_headers(slipway_pch PRIVATE ${CMAKE_SOURCE_DIR}/src/util/pch.hpp)

# slipway_use_pch(TARGET): compile TARGET with the shared precompiled header.
function(slipway_use_pch target)
  target_precompile_headers(${target} REUSE_FROM slipway_pch)
endfunction()

# slipway_layer(NAME DEPS ... [UNITY N]): a static library from every .cpp below src/NAME/.
# Adding a file to a layer touches no build file. UNITY N compiles the layer N files to a
# translation unit: for layers of many small files whose cost is the headers they share (the
# lint rules), not their own code.
function(slipway_layer name)
  cmake_parse_arguments(ARG "" "UNITY" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${name}/*.cpp)
  add_library(slipway_${name} STATIC ${srcs})
  target_include_directories(slipway_${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(slipway_${name} PRIVATE ${SLIPWAY_WARNINGS})
  target_link_libraries(slipway_${name} PUBLIC ${ARG_DEPS})
  slipway_use_pch(slipway_${name})
  if(ARG_UNITY)
    set_target_properties(slipway_${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${ARG_UNITY})
  endif()
endfunction()

# slipway_test_suite(NAME DEPS ...): one gtest binary from every .cpp below tests/NAME/,
# each TEST registered with ctest so `ctest -j2` balances tests, not binaries.
function(slipway_test_suite name)
  cmake_parse_arguments(ARG "" "" "DEPS;LABELS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/${name}/*.cpp)
  add_executable(${name}_tests ${srcs})
  target_compile_options(${name}_tests PRIVATE ${SLIPWAY_WARNINGS})
  target_link_libraries(${name}_tests PRIVATE slipway_test_support ${ARG_DEPS} GTest::gtest)
  target_precompile_headers(${name}_tests REUSE_FROM slipway_test_support)
  gtest_discover_tests(${name}_tests
    DISCOVERY_TIMEOUT 60
    PROPERTIES FIXTURES_REQUIRED pg_cluster LABELS "${ARG_LABELS}")
endfunction()
