// LazyLibrary: a shared library the binary does not link but opens on first use (dlopen), for
// libraries only some commands need. Linking XGBoost, libcurl and libarchive made every start
// pay the dynamic loader for them and their ~40 dependencies (87% of `mlo version`, issue 15).
//
// A user describes the library once (LazyLibrarySpec) and lists its functions in an X-macro so
// the table of pointers is typed by the library's own prototypes (decltype(&fn)); the first call
// of load() from any thread opens the library and resolves every symbol, all or nothing, and
// every later call returns that same outcome (std::call_once). The library stays open for the
// life of the process (never dlclose: its threads and static destructors may still run at exit).
//
//   #define MLO_FOO_FUNCTIONS(X) X(foo_open) X(foo_close)
//   struct FooApi { MLO_FOO_FUNCTIONS(MLO_LAZY_FIELD) };
//   Result<const FooApi*> foo_api() {
//     static FooApi api;
//     static LazyLibrary lib({"foo library", "libfoo.so.1", "MLO_LIBFOO"}, [](const LibrarySymbols&
//     s) {
//       return s.resolve_all({MLO_FOO_FUNCTIONS(MLO_LAZY_SLOT)});  // binds into `api`
//     });
//     MLO_TRY(lib.load());
//     return &api;
//   }
#pragma once

#include <functional>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>

#include "mlo/core/result.hpp"

namespace mlo {

struct LazyLibrarySpec {
  const char* what;          // names the library in errors: "XGBoost library"
  const char* soname;        // what dlopen is given: "libxgboost.so.0"
  const char* env_override;  // environment variable naming another file to open (tests, unusual
                             // installs), or nullptr; ignored in a set-user-ID process
};

// The file dlopen is (or would be) given for spec: the override's value when set, else the soname.
std::string library_file(const LazyLibrarySpec& spec);

// One symbol to bind: its name and a setter storing the address into its typed table slot, so
// every function pointer keeps its own type.
struct SymbolSlot {
  const char* name;
  void (*set)(void* address);
};

// Field and slot for MLO_<LIB>_FUNCTIONS X-macro lists (see the example above). MLO_LAZY_SLOT
// expects the table object to be named `api` in the enclosing scope.
#define MLO_LAZY_FIELD(fn) decltype(&::fn) fn = nullptr;
#define MLO_LAZY_SLOT(fn) \
  ::mlo::SymbolSlot{#fn, [](void* p) { api.fn = reinterpret_cast<decltype(&::fn)>(p); }},

// The open library during binding.
class LibrarySymbols {
 public:
  // Resolves every slot; kRuntime naming the first missing symbol (a library too old or not
  // the one expected), with nothing partially usable: load() then fails as a whole.
  Status resolve_all(std::initializer_list<SymbolSlot> slots) const;

 private:
  friend class LazyLibrary;
  LibrarySymbols(void* handle, std::string description)
      : handle_(handle), description_(std::move(description)) {}
  void* handle_;
  std::string description_;  // "XGBoost library libxgboost.so.0"
};

class LazyLibrary {
 public:
  using Binder = std::function<Status(const LibrarySymbols&)>;
  LazyLibrary(LazyLibrarySpec spec, Binder bind) : spec_(spec), bind_(std::move(bind)) {}
  LazyLibrary(const LazyLibrary&) = delete;
  LazyLibrary& operator=(const LazyLibrary&) = delete;

  // Opens the library and binds on the first call; every call returns the first outcome.
  // kRuntime "<what> <file> could not be loaded: <dlerror>" when it is missing.
  Status load();

 private:
  LazyLibrarySpec spec_;
  Binder bind_;
  std::once_flag once_;
  std::optional<Error> error_;
};

}  // namespace mlo
