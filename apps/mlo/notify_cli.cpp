#include "notify_cli.hpp"

#include <iostream>

#include "mlo/core/config.hpp"

namespace mlo::cli {

void notify_event(const Context& ctx, notify::Event event) {
  auto settings = resolve_settings(ctx.global.store, ctx.global.notify);
  if (!settings.ok()) {
    std::cerr << "mlo: warning: notify: " << settings.error().message << "\n";
    return;
  }
  if (settings->notify.empty()) return;
  auto targets = notify::parse_targets(settings->notify, settings->notify_source);
  if (!targets.ok()) {
    std::cerr << "mlo: warning: notify: " << targets.error().message << "\n";
    return;
  }
  event.store = settings->store;
  for (const auto& target : *targets) {
    if (!notify::wants(target, event.kind)) continue;
    if (auto st = notify::post(target, event); !st.ok())
      std::cerr << "mlo: warning: notify: " << event.kind << " event not delivered: "
                << st.error().message << "\n";
  }
}

}  // namespace mlo::cli
