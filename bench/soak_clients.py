#!/usr/bin/env python3
"""The hostile half of bench/soak.sh, for DURATION seconds against BASE_URL:
- SLOW slowloris connections: each sends a partial request header a byte
  every few seconds, and reconnects when the server closes it;
- a newsroom writer taking one story a second through 三审 and 签发 (every
  acknowledged 签发 is recorded, and checked on the public site at the end);
- UPLOADS concurrent 10 MB image uploads every few seconds (over the 5 MB
  limit: each must be refused with 413, never a 5xx or a dropped server).

Usage: soak_clients.py BASE_URL DURATION [SLOW] [UPLOADS]
Prints one line of counts, then the acknowledged stories missing afterwards."""
import os
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from signoff_live import Agent, public_get  # noqa: E402


def slowloris(host, port, stop, stats):
    sock = None
    while not stop.is_set():
        try:
            if sock is None:
                sock = socket.create_connection((host, port), timeout=5)
                sock.sendall(b"GET / HTTP/1.1\r\nHost: soak\r\nX-Slow: ")
                stats["slow_connects"] += 1
            sock.sendall(b"a")
            time.sleep(3)
        except OSError:
            stats["slow_closed_by_server"] += 1
            try:
                if sock:
                    sock.close()
            finally:
                sock = None
            time.sleep(0.5)


def writer(base, stop, stats, acked):
    reporter, editor, second, signer = (Agent(base, u) for u in ("reporter", "editor", "second", "signer"))
    form = reporter.get("/admin/stories/new")
    channel = re.search(r'<option value="(\d+)"[^>]*>[^<]*政务要闻', form).group(1)
    i = 0
    while not stop.is_set():
        t0 = time.perf_counter()
        title = f"浸泡测试稿件{i}-{time.time_ns() % 10**9}"
        try:
            loc = reporter.post("/admin/stories/new", [
                ("title", title), ("byline_role", "记者"), ("byline_name", "基准"),
                ("source", "滨州网讯"), ("editor", "编辑"), ("channel_id", channel),
                ("body", f"<p>滨州网讯 第{i}篇。</p>")])
            story = int(re.search(r"/admin/stories/(\d+)", loc).group(1))
            for who in (reporter, editor, second, signer):
                who.act(story, "submit" if who is reporter else "approve")
            acked.append((story, title))
        except SystemExit as e:  # Agent exits on an unexpected status
            stats["writer_errors"] += 1
            print(f"writer: {e}", file=sys.stderr)
        i += 1
        time.sleep(max(0.0, 1.0 - (time.perf_counter() - t0)))


def uploads(base, stop, stats, n):
    agent = Agent(base, "reporter")
    body_file = b"\xff\xd8\xff\xe0" + os.urandom(10 * 1024 * 1024)
    boundary = "soakboundary"

    def one():
        parts = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{agent.csrf}\r\n"
                 f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jpg\"\r\n"
                 "Content-Type: image/jpeg\r\n\r\n").encode() + body_file + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(base + "/admin/media", data=parts, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with agent.opener.open(req, timeout=60) as r:
                stats[f"upload_{r.status}"] = stats.get(f"upload_{r.status}", 0) + 1
        except urllib.error.HTTPError as e:
            stats[f"upload_{e.code}"] = stats.get(f"upload_{e.code}", 0) + 1
        except OSError:
            # the server may close the connection once it refused the body
            stats["upload_closed"] = stats.get("upload_closed", 0) + 1

    while not stop.is_set():
        ts = [threading.Thread(target=one) for _ in range(n)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        time.sleep(3)


def main():
    base, duration = sys.argv[1], float(sys.argv[2])
    slow = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    n_up = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    host, port = re.match(r"http://([^:/]+):(\d+)", base).groups()
    stop = threading.Event()
    stats = {"slow_connects": 0, "slow_closed_by_server": 0, "writer_errors": 0}
    acked = []
    threads = [threading.Thread(target=slowloris, args=(host, int(port), stop, stats), daemon=True)
               for _ in range(slow)]
    threads.append(threading.Thread(target=writer, args=(base, stop, stats, acked), daemon=True))
    threads.append(threading.Thread(target=uploads, args=(base, stop, stats, n_up), daemon=True))
    for t in threads:
        t.start()
    time.sleep(duration)
    stop.set()
    time.sleep(4)
    # every acknowledged 签发 is on the public site: found by its title
    missing = [story for story, title in acked
               if title not in public_get(base, f"/search.json?q={urllib.parse.quote(title)}")]
    print(" ".join(f"{k}={v}" for k, v in sorted(stats.items())) +
          f" signed_off={len(acked)} missing_after={len(missing)}")
    if missing:
        print("missing:", missing[:20])


if __name__ == "__main__":
    main()
