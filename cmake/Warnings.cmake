# Warnings for our own targets only; third-party headers live in /usr/include (system) and stay quiet.
function(mlo_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor)
  if(MLO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
