// The paths of every temp file this process has created and not yet renamed or removed, kept
// where a signal handler can reach them. AtomicFile registers its temp on create and forgets it
// on commit/discard; on SIGINT/SIGTERM the CLI calls remove_live_temps() from the handler so
// an interrupted command leaves no ".tmp-*" file behind (DESIGN.md section 4).
#pragma once

#include <cstddef>

namespace mlo {

// Remembers `path` until forget_temp(slot); returns the slot, or -1 when every slot is in use
// (the temp is then still removed by its owner, only not from a signal handler).
int remember_temp(const char* path);
void forget_temp(int slot);

// Unlinks every remembered temp file. Async-signal-safe: only atomics and unlink().
void remove_live_temps() noexcept;

// How many temps are remembered now (tests).
size_t live_temp_count();

}  // namespace mlo
