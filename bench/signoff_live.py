#!/usr/bin/env python3
"""Sign-off to live: the time from a 签发 request returning to the first GET
that shows the new story's page.

Usage: signoff_live.py BASE_URL COUNT
(run by bench/signoff_to_live.sh, which starts the server, creates the
accounts and keeps wrk loading the site meanwhile).

Each story goes the whole way through the newsroom over HTTP: the reporter
files it, 初审, 复审 and the signer's 终审/签发. Only the last step is timed:
from the moment its response arrives, GET the story's page until it shows
the story. Prints p50/p90/p99/max in milliseconds."""
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "bench-password-1"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Agent:
    def __init__(self, base, username):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )
        self.post("/admin/login", {"username": username, "password": PASSWORD, "next": "/admin/"}, csrf=False)
        page = self.get("/admin/")
        self.csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)

    def request(self, path, data=None):
        req = urllib.request.Request(self.base + path, data=data)
        try:
            with self.opener.open(req) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def get(self, path):
        status, _, body = self.request(path)
        if status != 200:
            sys.exit(f"GET {path}: {status}")
        return body

    def post(self, path, fields, csrf=True):
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf:
            pairs.insert(0, ("_csrf", self.csrf))
        status, headers, body = self.request(path, urllib.parse.urlencode(pairs).encode())
        if status != 303:
            sys.exit(f"POST {path}: {status} {body[:300]}")
        return headers.get("Location", "")

    def act(self, story, action):
        form = self.get(f"/admin/stories/{story}")
        version = re.search(r'name="version" value="(\d+)"', form).group(1)
        return self.post(f"/admin/stories/{story}/act", {"action": action, "opinion": "同意", "version": version})


def public_get(base, path):
    try:
        with urllib.request.urlopen(base + path) as r:
            return r.read().decode()
    except urllib.error.HTTPError:
        return ""


def main():
    base, count = sys.argv[1], int(sys.argv[2])
    reporter, editor, second, signer = (Agent(base, u) for u in ("reporter", "editor", "second", "signer"))
    form = reporter.get("/admin/stories/new")
    channel = re.search(r'<option value="(\d+)"[^>]*>[^<]*政务要闻', form).group(1)
    waits, polls = [], []
    for i in range(count):
        title = f"签发即上线基准{i}号稿件{time.time_ns() % 1000000}"
        loc = reporter.post("/admin/stories/new", [
            ("title", title), ("byline_role", "记者"), ("byline_name", "基准"),
            ("source", "滨州网讯"), ("editor", "编辑"), ("channel_id", channel),
            ("tags", "营商环境"), ("body", f"<p>滨州网讯 第{i}篇。</p>"),
        ])
        story = int(re.search(r"/admin/stories/(\d+)", loc).group(1))
        reporter.act(story, "submit")
        editor.act(story, "approve")
        second.act(story, "approve")
        signer.act(story, "approve")
        t0 = time.perf_counter()
        # the URL is fixed at sign-off: channel, 签发 date (China time), id
        day = time.strftime("%Y-%m/%d", time.gmtime(time.time() + 8 * 3600))
        url = f"/zw/yw/{day}/{story}.html"
        n = 0
        while True:
            n += 1
            if title in public_get(base, url):
                break
            if time.perf_counter() - t0 > 5:
                sys.exit(f"story {story} not live at {url} after 5 s")
        waits.append((time.perf_counter() - t0) * 1000)
        polls.append(n)
    waits.sort()
    q = lambda p: waits[min(len(waits) - 1, int(p * len(waits)))]
    print(f"sign-offs {count}: live after p50 {q(0.5):.2f} ms, p90 {q(0.9):.2f} ms, "
          f"p99 {q(0.99):.2f} ms, max {waits[-1]:.2f} ms; first GET already live in "
          f"{sum(1 for n in polls if n == 1)} of {count}")


if __name__ == "__main__":
    main()
