# MLO_FAST_START: link for start-up time (issue 15: `mlo version` and `mlo --help` under 5 ms).
#
# On this machine kind a page fault costs ~25-30 us, and start-up is mostly page faults: the
# dynamic loader mapping libstdc++, yaml-cpp, zlib and libcrypto and writing their relocations
# (libcrypto alone touched ~110 pages of its 400 KB of relocated method tables), and the ~20,000
# relative relocations of a position-independent mlo. So, when the static archives are there:
#   - yaml-cpp, zlib and libcrypto are linked from their archives (every target of this build:
#     the tests run the code as mlo links it);
#   - the mlo executable is linked without PIE, with libstdc++ and libgcc inside, so nothing of
#     it is relocated at start.
# What stays shared: glibc, and the libraries opened on first use (core/lazy_library.hpp). Those
# (libcurl with its own libssl/libcrypto, libxgboost with libstdc++.so) do not see the static
# copies: mlo exports no symbols of them (no -rdynamic), and no C++ object crosses their C APIs.
# libcrypto is used only for SHA-256, MD5 and HMAC (TLS is libcurl's, from the shared OpenSSL).
#
# Off for sanitizer and fuzz builds (their runtimes expect the shared C++ library) and when an
# archive is missing (then the build links as before, and says so).
set(_mlo_fast_start_default ON)
if(MLO_SANITIZE OR MLO_FUZZ)
  set(_mlo_fast_start_default OFF)
endif()
option(MLO_FAST_START "Link mlo without PIE and with static yaml-cpp, zlib, libcrypto, libstdc++"
       ${_mlo_fast_start_default})

# Points the imported target at its static archive, for every configuration it was imported with.
function(_mlo_use_archive target archive_name)
  find_library(_archive NAMES ${archive_name} NO_CACHE)
  if(NOT _archive)
    set(_mlo_fast_start_missing "${_mlo_fast_start_missing} ${archive_name}" PARENT_SCOPE)
    return()
  endif()
  get_target_property(_configs ${target} IMPORTED_CONFIGURATIONS)
  set_target_properties(${target} PROPERTIES IMPORTED_LOCATION ${_archive})
  if(_configs)
    foreach(_config IN LISTS _configs)
      set_target_properties(${target} PROPERTIES IMPORTED_LOCATION_${_config} ${_archive})
    endforeach()
  endif()
endfunction()

if(MLO_FAST_START)
  set(_mlo_fast_start_missing "")
  foreach(_dep IN ITEMS "yaml-cpp;libyaml-cpp.a" "ZLIB::ZLIB;libz.a" "OpenSSL::Crypto;libcrypto.a")
    list(GET _dep 0 _target)
    list(GET _dep 1 _archive_name)
    _mlo_use_archive(${_target} ${_archive_name})
  endforeach()
  if(_mlo_fast_start_missing)
    message(STATUS "MLO_FAST_START: no${_mlo_fast_start_missing}; those stay shared")
  endif()
endif()

# The link options of the mlo executable itself (apps/mlo).
function(mlo_fast_start_executable target)
  if(MLO_FAST_START)
    target_link_options(${target} PRIVATE -no-pie -static-libstdc++ -static-libgcc)
  endif()
endfunction()
