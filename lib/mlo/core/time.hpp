// Wall-clock helpers. MLO_NOW (RFC 3339) overrides the clock so tests are deterministic.
#pragma once

#include <string>

namespace mlo {

std::string now_rfc3339();    // "2026-11-22T12:00:00Z"
std::string today_utc();      // "2026-11-22"
std::string current_actor();  // MLO_ACTOR, else the login name, else "unknown"
std::string new_run_id();     // sortable and unique: "20261122T120000Z-<8 hex>"

}  // namespace mlo
