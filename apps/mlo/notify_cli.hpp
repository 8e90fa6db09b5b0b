// Webhook notifications from commands (lib/mlo/notify). Commands that find drift, register a
// version or move an alias call notify_event() once after their work is done.
#pragma once

#include "command.hpp"
#include "mlo/notify/notify.hpp"

namespace mlo::cli {

// Posts `event` to every configured target that wants its kind (.mlo.yaml `notify:`,
// MLO_NOTIFY_URL, --notify). Each failure, including a malformed notify setting, is one stderr
// line "mlo: warning: notify: ..."; the command's exit code and effects never depend on it.
void notify_event(const Context& ctx, notify::Event event);

}  // namespace mlo::cli
