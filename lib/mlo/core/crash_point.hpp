// Deterministic crash injection for tests (tests/cli/crash.sh, tests/cli/hardening_signals.sh).
// Every durable-write step of an AtomicFile (create, write, prepare, publish, link) is a crash
// point. With MLO_TEST_CRASH_AT=N in the environment the process stops at the N-th point it
// reaches: by SIGKILL (a power cut: nothing runs), or with MLO_TEST_CRASH_SIGNAL=INT|TERM by
// raising that signal (the CLI's handler then runs as for a user's Ctrl-C). Unset, a crash point
// costs one relaxed atomic load.
#pragma once

namespace mlo {

void crash_point();

}  // namespace mlo
