# Install layout and the Debian package (cmake --install / cpack).
#   runtime component (package "mlo"):     bin/mlo, man pages, shell completions, share/mlo
#   dev component     (package "mlo-dev"): headers, component archives, CMake package mlo::mlo_lib
# Man pages and completions are generated at build time from the built binary's own --help
# (cmake/mlo-gen-docs.sh), so they cannot drift from the command table.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS mlo RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/share/mlo/ DESTINATION ${CMAKE_INSTALL_DATADIR}/mlo
        COMPONENT runtime)

# --- generated man pages and completions -------------------------------------------------
find_program(HELP2MAN_PROGRAM help2man)
set(_mlo_docs_default OFF)  # on when help2man is there (scripts/install-deps.sh installs it)
if(HELP2MAN_PROGRAM)
  set(_mlo_docs_default ON)
endif()
option(MLO_GENERATE_DOCS "Generate man pages (help2man) and shell completions from --help"
       ${_mlo_docs_default})
if(MLO_GENERATE_DOCS)
  if(NOT HELP2MAN_PROGRAM)
    message(FATAL_ERROR "MLO_GENERATE_DOCS needs help2man (apt-get install help2man)")
  endif()
  set(_gen ${PROJECT_BINARY_DIR}/generated)
  add_custom_command(
    OUTPUT ${_gen}/stamp
    COMMAND bash ${PROJECT_SOURCE_DIR}/cmake/mlo-gen-docs.sh $<TARGET_FILE:mlo> ${_gen}
            ${PROJECT_VERSION}
    DEPENDS mlo ${PROJECT_SOURCE_DIR}/cmake/mlo-gen-docs.sh
    COMMENT "Generating man pages and shell completions from mlo --help"
    VERBATIM)
  add_custom_target(mlo_docs ALL DEPENDS ${_gen}/stamp)
  install(DIRECTORY ${_gen}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
  install(FILES ${_gen}/completions/mlo.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME mlo COMPONENT runtime)
  install(FILES ${_gen}/completions/_mlo DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions
          COMPONENT runtime)
  install(FILES ${_gen}/completions/mlo.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d
          COMPONENT runtime)
endif()

# --- the library for teams embedding it: find_package(mlo) -> mlo::mlo_lib ------------------
# Every component archive joins the export set in lib/CMakeLists.txt (mlo_component).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/mlo DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT dev FILES_MATCHING PATTERN "*.hpp")
set(MLO_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mlo)
install(EXPORT mloTargets NAMESPACE mlo:: DESTINATION ${MLO_CMAKE_DIR} COMPONENT dev)
get_property(MLO_FIND_DEPENDENCIES GLOBAL PROPERTY MLO_FIND_DEPENDENCIES)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mloConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/mloConfig.cmake INSTALL_DESTINATION ${MLO_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mloConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mloConfig.cmake ${PROJECT_BINARY_DIR}/mloConfigVersion.cmake
        DESTINATION ${MLO_CMAKE_DIR} COMPONENT dev)

# --- CPack: two .deb files, Depends computed by dpkg-shlibdeps (plus the dlopen()ed libraries) ---
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mlo)
set(CPACK_PACKAGE_VENDOR "mlo")
set(CPACK_PACKAGE_CONTACT "mlo maintainers <mlo@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "model registry, batch scoring and drift monitoring in one binary")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # mlo_0.1.0_amd64.deb, mlo-dev_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/mlo/mlo")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME mlo)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "bash-completion")
# dpkg-shlibdeps sees only linked libraries; these are opened at run time on first use
# (lib/mlo/core/lazy_library.hpp), so they are listed here (merged with shlibdeps' list). The
# lower bounds are the first versions with what mlo calls: XGCommunicator* (1.7),
# CURLOPT_PROTOCOLS_STR (7.85), zstd in libarchive (3.3.3).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS
    "libxgboost0 (>= 1.7), libcurl4 (>= 7.85), libarchive13 (>= 3.3.3)")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME mlo-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# Archives carry no shared objects for shlibdeps to scan: the -dev packages of the libraries
# the exported targets name are the real dependencies (the find_dependency list above).
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "mlo (= ${PROJECT_VERSION}), libyaml-cpp-dev, libarchive-dev, libssl-dev, libxgboost-dev, \
libcurl4-openssl-dev | libcurl-dev, nlohmann-json3-dev, libfast-float-dev, libfmt-dev")
set(CPACK_PACKAGE_FILE_NAME mlo-${PROJECT_VERSION})
include(CPack)
