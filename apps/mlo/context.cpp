#include <unistd.h>

#include "command.hpp"
#include "mlo/core/config.hpp"

namespace mlo::cli {

Result<std::unique_ptr<Store>> Context::open_store(bool require_init) const {
  MLO_ASSIGN_OR_RETURN(Settings settings, resolve_settings(global.store, global.notify));
  MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, mlo::open_store(settings.store));
  if (require_init) {
    auto marker = store->head("mlo-store.yaml");
    if (!marker.ok()) {
      if (marker.error().code != ErrorCode::kNotFound) return marker.error();
      return make_error(ErrorCode::kNotFound,
                        "store " + store->url() + ": not an mlo store (no mlo-store.yaml); run 'mlo init'");
    }
  }
  return store;
}

bool Context::show_progress() const {
  return !global.no_progress && !global.quiet && isatty(STDERR_FILENO) != 0;
}

}  // namespace mlo::cli
