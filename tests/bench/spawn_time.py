#!/usr/bin/env python3
"""spawn_time.py N CMD [ARG...]: the best of N wall times of CMD, in milliseconds (3 decimals).

Start-up is timed from a posix_spawn (vfork + exec) to the child's exit, output to /dev/null.
Timing from bash instead charges every run with bash's fork of itself (copying its page tables:
about 2 ms on the 2-core test machines, where /bin/true then takes 4 ms), which is the shell's
cost and not the program's. Exits 2 when CMD fails.
"""
import os
import sys
import time


def main():
    runs, cmd = int(sys.argv[1]), sys.argv[2:]
    devnull = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions)
        _, status = os.waitpid(pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"spawn_time: {' '.join(cmd)} failed")
        best = elapsed if best is None else min(best, elapsed)
    print(f"{best * 1000:.3f}")


if __name__ == "__main__":
    main()
