#!/usr/bin/env python3
"""Run a command; print its wall time and peak resident memory (the largest
of it and its children) as `WALL_S PEAK_MB`. Output of the command goes to
stderr. Usage: measure.py CMD [ARGS...]"""
import resource
import subprocess
import sys
import time

start = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=sys.stderr)
wall = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if code != 0:
    sys.exit(f"command failed ({code}): {' '.join(sys.argv[1:])}")
print(f"{wall:.2f} {peak_kb / 1024:.0f}")
