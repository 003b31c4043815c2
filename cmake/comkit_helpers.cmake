# Build helpers shared by every folder: warnings, sanitizers and tests.

# comkit_warnings: the warning set every comkit target compiles with.
add_library(comkit_warnings INTERFACE)
target_compile_options(comkit_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  $<$<BOOL:${COMKIT_WERROR}>:-Werror>)

if(COMKIT_SANITIZE)
  add_compile_options(-fsanitize=${COMKIT_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${COMKIT_SANITIZE})
  if(COMKIT_SANITIZE MATCHES "undefined")
    # UBSan's vptr check wants C++ RTTI behind every polymorphic object, but a
    # COM interface pointer may come from C, Rust or another compiler: calling
    # through a vtable that C laid out is the whole point. Disabled for that.
    add_compile_options(-fno-sanitize=vptr)
  endif()
endif()

# Fuzzing builds instrument every target (libcomkit too) for libFuzzer's
# coverage feedback; only the fuzz targets link the libFuzzer driver.
if(COMKIT_BUILD_FUZZERS AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# comkit_add_test(NAME SOURCES src... [LIBS lib...]): a GoogleTest executable
# whose tests CTest lists one by one.
function(comkit_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE comkit::comkit comkit_warnings GTest::gtest GTest::gtest_main ${ARG_LIBS})
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
    PROPERTIES ENVIRONMENT "ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1")
endfunction()

include(${CMAKE_CURRENT_LIST_DIR}/comkit_idl.cmake)
