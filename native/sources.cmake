# Shared compiler settings and the source list (native/sources.txt) for every
# CMake target that compiles the core: the addon and the native unit tests.
get_filename_component(EMBERKV_NATIVE_DIR ${CMAKE_CURRENT_LIST_DIR} ABSOLUTE)
file(STRINGS ${EMBERKV_NATIVE_DIR}/sources.txt EMBERKV_SOURCE_LINES)
# Re-run the configuration whenever the source list changes.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${EMBERKV_NATIVE_DIR}/sources.txt)
set(EMBERKV_CORE_SOURCES)
set(EMBERKV_BINDING_SOURCES)
foreach(line ${EMBERKV_SOURCE_LINES})
  string(STRIP "${line}" line)
  if(line STREQUAL "" OR line MATCHES "^#")
    continue()
  endif()
  if(line MATCHES "^native/core/")
    list(APPEND EMBERKV_CORE_SOURCES ${EMBERKV_NATIVE_DIR}/../${line})
  else()
    list(APPEND EMBERKV_BINDING_SOURCES ${EMBERKV_NATIVE_DIR}/../${line})
  endif()
endforeach()

# System libraries the core links with: libcrypt (libxcrypt, part of every
# glibc development install) for the ACL secrets' crypt(3) hashes.
set(EMBERKV_SYSTEM_LIBRARIES crypt)

function(emberkv_apply_flags target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -fvisibility=hidden)
  if(CMAKE_BUILD_TYPE STREQUAL "Release")
    target_compile_options(${target} PRIVATE -O2)
  endif()
  if(EMBERKV_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -O1 -g)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
