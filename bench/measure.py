#!/usr/bin/env python3
"""Run a command; print its wall time, its peak resident memory and its peak
anonymous memory (heap, from /proc, sampled every 20 ms) in MB:
`WALL_S PEAK_RSS_MB PEAK_ANON_MB`. The command's output goes to stderr.

The two memory figures differ for gazette: SQLite memory-maps its database
file (shared, reclaimable page cache, counted once per connection in RSS);
for Hugo they are the same. Usage: measure.py CMD [ARGS...]"""
import os
import resource
import subprocess
import sys
import time


def anon_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=sys.stderr)
peak_anon = 0
while proc.poll() is None:
    peak_anon = max(peak_anon, anon_kb(proc.pid))
    time.sleep(0.02)
wall = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if proc.returncode != 0:
    sys.exit(f"command failed ({proc.returncode}): {' '.join(sys.argv[1:])}")
print(f"{wall:.2f} {peak_kb / 1024:.0f} {peak_anon / 1024:.0f}")
