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
  // Webhook targets (mlo/notify parses them): the `notify:` section of .mlo.yaml as YAML text,
  // or the URL from MLO_NOTIFY_URL / --notify. Empty = no notifications.
  std::string notify;
  std::string notify_source = "default";  // "default" | path of .mlo.yaml | "MLO_NOTIFY_URL" | "--notify"
};

// `flag_store` is the value of --store if given. A .mlo.yaml's relative store path is taken
// relative to the directory holding that file.
// `flag_notify` is the value of --notify if given.
Result<Settings> resolve_settings(const std::optional<std::string>& flag_store,
                                  const std::optional<std::string>& flag_notify = std::nullopt);

}  // namespace mlo
