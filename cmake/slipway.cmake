# Shared build helpers for slipway's layers.

set(SLIPWAY_WARNINGS -Wall -Wextra)

# slipway_layer(NAME DEPS ...): a static library from every .cpp below src/NAME/.
# Adding a file to a layer touches no build file.
function(slipway_layer name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${name}/*.cpp)
  add_library(slipway_${name} STATIC ${srcs})
  target_include_directories(slipway_${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(slipway_${name} PRIVATE ${SLIPWAY_WARNINGS})
  target_link_libraries(slipway_${name} PUBLIC ${ARG_DEPS})
  # Heavy third-party headers are precompiled once per layer.
  target_precompile_headers(slipway_${name} PRIVATE ${CMAKE_SOURCE_DIR}/src/util/pch.hpp)
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
