# Warnings for our own targets only; third-party headers live in /usr/include (system) and stay quiet.
function(mlo_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports false -Wrestrict positives inside libstdc++'s std::string at -O3
    # (GCC bug 105329); they point at the standard library, not at our code.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(MLO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
