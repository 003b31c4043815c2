# cmake/comkit_idl.cmake - comkit_add_idl(), for comkit's own build and, installed
# next to comkitConfig.cmake, for consumers.
include_guard(GLOBAL)

# comkit_add_idl(TARGET FILES a.idl ... [INCLUDE_DIRS dir ...] [DEFINES N=V ...]
#                [OUTPUT_DIR dir] [IID_API macro] [TYPELIB] [EMBED_TYPELIB] [NO_PROXY])
# Compiles each IDL file with `comkit idl` at build time into OUTPUT_DIR
# (default: ${CMAKE_CURRENT_BINARY_DIR}/idl): NAME.h, NAME_i.c,
# NAME_projection.h and NAME_p.c, and with TYPELIB also NAME.tlb (every
# file then needs a library block); TARGET's COMKIT_TYPELIBS property lists
# the type libraries. EMBED_TYPELIB (implies TYPELIB; one FILE) also puts
# the type library into the executable or shared library that links TARGET,
# as its type library 1 (link one such target per module) (docs/typelib.md, "Embedded type libraries"): LoadTypeLib
# of that module finds it, and comkit::dispatch_from_typelib answers
# IDispatch from it. TARGET becomes a static library holding
# the _i.c IID definitions, with OUTPUT_DIR on its public include path; link
# it to use the interfaces. The _p.c proxy/stub tables go into every target
# that links TARGET as objects (they register themselves when loaded, so no
# symbol of theirs is referenced and an archive would drop them). Dependencies come from the compiler's depfile, so editing
# an imported or #included file re-runs it. Works in comkit's own build and
# for consumers after find_package(comkit). NO_PROXY writes no _p.c: the
# interfaces are then marshalled from their registered type library (the
# universal marshaler, docs/marshalling.md), as on Windows without a proxy DLL.
function(comkit_add_idl target)
  cmake_parse_arguments(arg "TYPELIB;EMBED_TYPELIB;NO_PROXY" "OUTPUT_DIR;IID_API" "FILES;INCLUDE_DIRS;DEFINES" ${ARGN})
  if(NOT arg_FILES)
    message(FATAL_ERROR "comkit_add_idl(${target}): no FILES")
  endif()
  if(NOT arg_OUTPUT_DIR)
    set(arg_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/idl)
  endif()
  if(TARGET comkit_idlc)  # comkit's own build: the compiler without the runtime
    set(compiler $<TARGET_FILE:comkit_idlc>)
    set(compiler_target comkit_idlc)
  elseif(TARGET comkit::idlc)  # installed: the same tool
    set(compiler $<TARGET_FILE:comkit::idlc>)
    set(compiler_target comkit::idlc)
  elseif(TARGET comkit::cli)
    set(compiler $<TARGET_FILE:comkit::cli> idl)
    set(compiler_target comkit::cli)
  else()
    message(FATAL_ERROR "comkit_add_idl: the comkit::cli target (the `comkit` command) is not available")
  endif()
  file(MAKE_DIRECTORY ${arg_OUTPUT_DIR})
  set(flags "")
  # comkit's own IDL (unknwn.idl, objidl.idl ...) is always importable.
  if(COMKIT_IDL_DIR)
    list(APPEND flags -I ${COMKIT_IDL_DIR})
  endif()
  foreach(dir IN LISTS arg_INCLUDE_DIRS)
    list(APPEND flags -I ${dir})
  endforeach()
  foreach(def IN LISTS arg_DEFINES)
    list(APPEND flags -D ${def})
  endforeach()
  if(arg_IID_API)
    list(APPEND flags --iid-api ${arg_IID_API})
  endif()
  # The outputs asked for by name, so that each is a declared output (the
  # depfile names every output written).
  list(APPEND flags --c-header --cpp-header --iid-source)
  if(NOT arg_NO_PROXY)
    list(APPEND flags --proxy)
  endif()
  if(arg_EMBED_TYPELIB)
    list(LENGTH arg_FILES file_count)
    if(file_count GREATER 1)
      # Each would be type library 1 of the module: only one could be found.
      message(FATAL_ERROR "comkit_add_idl(${target}): EMBED_TYPELIB takes one IDL file (a module embeds one type library)")
    endif()
    set(arg_TYPELIB ON)
    list(APPEND flags --embed-tlb)
  elseif(arg_TYPELIB)
    list(APPEND flags --tlb)
  endif()
  # One compiler run for all of the target's files: each imported file is
  # parsed once (docs/idl.md), and one depfile covers every output.
  set(sources "")
  set(headers "")
  set(inputs "")
  set(proxies "")
  set(typelibs "")
  foreach(file IN LISTS arg_FILES)
    get_filename_component(abs ${file} ABSOLUTE)
    get_filename_component(name ${file} NAME_WE)
    list(APPEND inputs ${abs})
    list(APPEND sources ${arg_OUTPUT_DIR}/${name}_i.c)
    if(NOT arg_NO_PROXY)
      list(APPEND proxies ${arg_OUTPUT_DIR}/${name}_p.c)
    endif()
    list(APPEND headers ${arg_OUTPUT_DIR}/${name}.h ${arg_OUTPUT_DIR}/${name}_projection.h)
    if(arg_TYPELIB)
      list(APPEND typelibs ${arg_OUTPUT_DIR}/${name}.tlb)
    endif()
    if(arg_EMBED_TYPELIB)
      list(APPEND proxies ${arg_OUTPUT_DIR}/${name}_tlb.c)
    endif()
  endforeach()
  add_custom_command(
    OUTPUT ${headers} ${sources} ${proxies} ${typelibs}
    COMMAND ${compiler} ${inputs} ${flags} -o ${arg_OUTPUT_DIR} --depfile ${arg_OUTPUT_DIR}/${target}.d
    DEPENDS ${inputs} ${compiler_target}
    DEPFILE ${arg_OUTPUT_DIR}/${target}.d
    COMMENT "comkit idl ${arg_FILES}"
    VERBATIM)
  add_library(${target} STATIC ${sources} ${headers} ${typelibs})
  set_property(TARGET ${target} PROPERTY COMKIT_TYPELIBS ${typelibs})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON LINKER_LANGUAGE C)
  target_include_directories(${target} PUBLIC ${arg_OUTPUT_DIR})
  target_link_libraries(${target} PUBLIC comkit::abi)
  if(proxies)
    add_library(${target}_proxies OBJECT ${proxies})
    set_target_properties(${target}_proxies PROPERTIES POSITION_INDEPENDENT_CODE ON)
    target_include_directories(${target}_proxies PRIVATE ${arg_OUTPUT_DIR})
    target_link_libraries(${target}_proxies PRIVATE comkit::abi)
    target_sources(${target} INTERFACE $<TARGET_OBJECTS:${target}_proxies>)
  endif()
endfunction()
