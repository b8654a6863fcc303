#!/usr/bin/env python3
"""Publish throughput: stories taken the whole way through the newsroom over
HTTP (file, submit, 初审, 复审, 签发: 9 requests each) by THREADS desks at
once, against BASE_URL (one node, or nginx in front of several).

Usage: publish_rate.py BASE_URL COUNT [THREADS]
Prints stories per second and requests per second.
(run by bench/scale_out.sh, which creates the accounts.)"""
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from signoff_live import Agent  # noqa: E402


def desk(agents, count, channel, errors, tag):
    try:
        reporter, editor, second, signer = agents
        for i in range(count):
            loc = reporter.post("/admin/stories/new", [
                ("title", f"发布吞吐基准{tag}-{i}-{time.time_ns() % 1000000}"),
                ("byline_role", "记者"), ("byline_name", "基准"),
                ("source", "滨州网讯"), ("editor", "编辑"), ("channel_id", channel),
                ("body", f"<p>滨州网讯 第{i}篇。</p>"),
            ])
            story = int(re.search(r"/admin/stories/(\d+)", loc).group(1))
            for who in (reporter, editor, second, signer):
                who.act(story, "submit" if who is reporter else "approve")
    except BaseException as e:  # noqa: BLE001 - reported by the main thread
        errors.append(repr(e))


def main():
    base, count = sys.argv[1], int(sys.argv[2])
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    form = Agent(base, "reporter").get("/admin/stories/new")
    channel = re.search(r'<option value="(\d+)"[^>]*>[^<]*政务要闻', form).group(1)
    per = max(1, count // threads)
    errors = []
    # sign in first (argon2 is slow on purpose): only the newsroom work is timed
    desks = [tuple(Agent(base, u) for u in ("reporter", "editor", "second", "signer"))
             for _ in range(threads)]
    workers = [threading.Thread(target=desk, args=(desks[t], per, channel, errors, t))
               for t in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    secs = time.perf_counter() - t0
    if errors:
        sys.exit(f"errors: {errors[:3]}")
    n = per * threads
    print(f"published {n} stories in {secs:.2f} s: {n / secs:.1f} stories/s, "
          f"{n * 9 / secs:.0f} requests/s ({threads} desks)")


if __name__ == "__main__":
    main()
