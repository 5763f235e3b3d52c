# Helpers shared by every CMakeLists of quire: one way to declare a layer, a
# test, a benchmark and a fuzzer.

set(QUIRE_WARNINGS -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)

if(QUIRE_BUILD_FUZZERS)
  # Coverage instrumentation for the library too, so libFuzzer sees its branches.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(QUIRE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# quire_add_library(NAME SOURCES ... DEPS ...)
# Declares the static library of one layer. A layer links only the layers
# above it in DESIGN.md, so the linker enforces the layering.
function(quire_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}/src")
  target_compile_options(${name} PRIVATE ${QUIRE_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  set_property(GLOBAL APPEND PROPERTY QUIRE_LAYERS ${name})
endfunction()

# quire_add_test(NAME SOURCES ... LABELS ... DEPS ...)
function(quire_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LABELS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${QUIRE_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} quire_test_support GTest::gmock
                                        GTest::gtest_main)
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${name}
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
    PROPERTIES LABELS "${ARG_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()

# quire_add_benchmark(NAME SOURCES ... DEPS ...)
function(quire_add_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
endfunction()

# quire_add_fuzzer(NAME SOURCES ... DEPS ...): a libFuzzer binary, clang only.
function(quire_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()
