#!/usr/bin/env bash
# Soak: gazette serve on N stories for SECS seconds under
#   wrk on story, home, channel and search pages (4 paths in turn),
#   a newsroom writer signing off one story a second,
#   SLOW slowloris connections, and 4 concurrent 10 MB uploads every few seconds
# (bench/soak_clients.py). Prints the quiet and the loaded wrk figures side by
# side, the server's RSS at the start and the end, the 5xx count (wrk's
# non-2xx/3xx answers and the server's own 5xx log lines), and the signed-off
# stories missing from the public site afterwards.
#
#   bench/soak.sh [N] [SECS] [SLOW]      (default 10000 600 500)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
SECS=${2:-600}
SLOW=${3:-500}
source bench/common.sh
rm -rf "$WORK/soak-data" && cp -r "$WORK/data" "$WORK/soak-data"
DATA=$WORK/soak-data
for spec in "reporter 记者" "editor 编辑" "second 审核2" "signer 签发人"; do
  set -- $spec
  echo "bench-password-1" | "$BIN" user add --data-dir "$DATA" --role "$2" --site main "$1" > /dev/null
done
"$BIN" reindex --data-dir "$DATA" > /dev/null
PORT=18187
"$BIN" serve --data-dir "$DATA" --addr 127.0.0.1:$PORT > "$WORK/soak.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -fs -o /dev/null http://127.0.0.1:$PORT/ && break; sleep 0.1; done
STORY=$(curl -s "http://127.0.0.1:$PORT/zw/yw/" | grep -o 'href="/zw/yw/20[0-9-]*/[0-9]*/[0-9]*\.html"' | head -1 | cut -d'"' -f2)
cat > "$WORK/soak.lua" <<LUA
local paths = {"$STORY", "/", "/zw/yw/", "/search?q=%E6%BB%A8%E5%B7%9E"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
# resident memory in MB: all, anonymous (heap: what a leak grows) and
# file-backed (SQLite's and the index's memory maps, which follow the files)
rss() { awk '/VmRSS/ {t=$2} /RssAnon/ {a=$2} /RssFile/ {f=$2} END {printf "%.0f (anon %.0f, file %.0f)", t/1024, a/1024, f/1024}' /proc/$PID/status; }
rss_total() { awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$PID/status; }
figures() { # wrk output -> "req/s p99 non-2xx"
  awk '/Requests\/sec/ {r=$2} / 99%/ {p=$2} /Non-2xx or 3xx/ {n=$5} END {printf "%s req/s, p99 %s, non-2xx/3xx %s", r, p, (n==""?0:n)}' "$1"
}
echo "== $(nproc) cores; $N stories; $SECS s soak; $SLOW slowloris; wrk -t1 -c16 --latency"
wrk -t1 -c16 -d30s --latency -s "$WORK/soak.lua" "http://127.0.0.1:$PORT" > "$WORK/soak-quiet.txt"
RSS0=$(rss)
T0=$(rss_total)
wrk -t1 -c16 -d"${SECS}s" --latency -s "$WORK/soak.lua" "http://127.0.0.1:$PORT" > "$WORK/soak-wrk.txt" &
WRK=$!
# the RSS every minute, to tell a plateau from a leak
( for _ in $(seq $((SECS / 60))); do sleep 60; printf '%s ' "$(rss_total)"; done ) > "$WORK/soak-rss.txt" &
SAMPLER=$!
trap 'kill $WRK $SAMPLER $PID 2>/dev/null || true' EXIT
python3 bench/soak_clients.py "http://127.0.0.1:$PORT" "$SECS" "$SLOW" 4 > "$WORK/soak-clients.txt"
wait $WRK
wait $SAMPLER || true
RSS1=$(rss)
T1=$(rss_total)
# every 5xx the server answers is logged as an ERROR line (internal error,
# damaged database, full disk, storage unavailable)
ERRORS=$(grep -c 'ERROR' "$WORK/soak.log" || true)
echo "quiet:   $(figures "$WORK/soak-quiet.txt")"
echo "loaded:  $(figures "$WORK/soak-wrk.txt")"
echo "server RSS MB: ${RSS0} at the start, ${RSS1} at the end ($(awk -v a="$T0" -v b="$T1" 'BEGIN {printf "%+.1f%%", (b-a)*100/a}')); each minute: $(cat "$WORK/soak-rss.txt")"
echo "server ERROR lines logged: $ERRORS"
echo "clients: $(cat "$WORK/soak-clients.txt")"
