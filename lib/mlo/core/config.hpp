// Settings resolution (DESIGN.md section 4), last wins:
//   defaults -> .mlo.yaml found walking up from the working directory -> MLO_* environment -> flags.
#pragma once

#include <optional>
#include <string>

#include "mlo/core/result.hpp"

namespace mlo {

struct Settings {
  std::string store = "./.mlo";  // store URL or path
  std::string store_source = "default";  // "default" | path of .mlo.yaml | "MLO_STORE" | "--store"
};

// `flag_store` is the value of --store if given. A .mlo.yaml's relative store path is taken
// relative to the directory holding that file.
Result<Settings> resolve_settings(const std::optional<std::string>& flag_store);

}  // namespace mlo
