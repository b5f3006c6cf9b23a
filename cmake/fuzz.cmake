# The fuzzing build (scripts/fuzz): clang's libFuzzer with AddressSanitizer (leaks included) and
# UndefinedBehaviorSanitizer. Every layer is compiled with coverage instrumentation, so the
# fuzzer sees the branches of the code under test and not only of the target's own file.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SLIPWAY_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
endif()
set(SLIPWAY_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
add_compile_options(-fsanitize=fuzzer-no-link ${SLIPWAY_SANITIZERS})
add_link_options(${SLIPWAY_SANITIZERS})

# slipway_fuzz_target(NAME DEPS ...): fuzz/NAME.cpp, one LLVMFuzzerTestOneInput, as fuzz_NAME.
function(slipway_fuzz_target name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  add_executable(fuzz_${name} ${CMAKE_SOURCE_DIR}/fuzz/${name}.cpp)
  target_compile_options(fuzz_${name} PRIVATE ${SLIPWAY_WARNINGS})
  target_link_libraries(fuzz_${name} PRIVATE ${ARG_DEPS})
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  set_target_properties(fuzz_${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  add_dependencies(fuzzers fuzz_${name})
endfunction()
