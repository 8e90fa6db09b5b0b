# mlo_dependency(<find_package args>): find_package() that also records the call, so that the
# installed mloConfig.cmake repeats exactly the same lookups (find_dependency) for consumers of
# find_package(mlo). Add a new library dependency here once and both sides stay in step.
set_property(GLOBAL PROPERTY MLO_FIND_DEPENDENCIES "")
macro(mlo_dependency)
  find_package(${ARGN} REQUIRED)
  set(_mlo_dep_args ${ARGN})
  list(REMOVE_ITEM _mlo_dep_args REQUIRED)
  list(JOIN _mlo_dep_args " " _mlo_dep_line)
  set_property(GLOBAL APPEND_STRING PROPERTY MLO_FIND_DEPENDENCIES "find_dependency(${_mlo_dep_line})\n")
endmacro()
