#include "mlo/core/lazy_library.hpp"

#include <dlfcn.h>

#include <cstdlib>

namespace mlo {

namespace {

std::string dl_error() {
  const char* e = dlerror();
  return e != nullptr ? e : "unknown dynamic loader error";
}

}  // namespace

Status LibrarySymbols::resolve_all(std::initializer_list<SymbolSlot> slots) const {
  for (const SymbolSlot& slot : slots) {
    dlerror();  // clear: a symbol's address may legitimately be null only with an error set
    void* address = dlsym(handle_, slot.name);
    if (address == nullptr)
      return make_error(ErrorCode::kRuntime,
                        description_ + " lacks " + slot.name + ": " + dl_error());
    slot.set(address);
  }
  return {};
}

std::string library_file(const LazyLibrarySpec& spec) {
  if (spec.env_override != nullptr) {
    const char* v = secure_getenv(spec.env_override);
    if (v != nullptr && *v != '\0') return v;
  }
  return spec.soname;
}

Status LazyLibrary::load() {
  std::call_once(once_, [this] {
    const std::string path = library_file(spec_);
    const std::string description = std::string(spec_.what) + " " + path;
    // RTLD_NOW: a missing dependency fails here, not at the first call deep inside a command.
    // RTLD_LOCAL: its symbols stay out of the global namespace (no clash with anything else).
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      error_ = make_error(ErrorCode::kRuntime, description + " could not be loaded: " + dl_error());
      return;
    }
    Status bound = bind_(LibrarySymbols(handle, description));
    if (!bound.ok()) error_ = bound.error();  // the handle stays open: harmless, and never reused
  });
  if (error_) return *error_;
  return {};
}

}  // namespace mlo
