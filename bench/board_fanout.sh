#!/usr/bin/env bash
# The 指挥调度 board's fan-out (issue 26): BOARDS boards of the main site open
# on one `gazette serve` on loopback (server-sent events) while EDITORS
# editors act, each one act a second for SECONDS seconds (each renames his
# own plan of today; benches/board_fanout.rs). Prints the board update
# latency (p50/p99/max over every board and act; goal p99 <= 1 s), updates
# missed, the server's RSS (idle, with the boards open, peak), and the warm
# story page's throughput (wrk) alone and while the boards update.
#
#   bench/board_fanout.sh [BOARDS] [EDITORS] [SECONDS]     (default 200 20 30)
#
# Needs wrk (apt install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
BOARDS=${1:-200}
EDITORS=${2:-20}
SECONDS_=${3:-30}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
W=$(pwd)/target/bench/board
rm -rf "$W" && mkdir -p "$W"
cargo build --release --quiet
cargo bench --bench board_fanout --no-run --quiet 2>/dev/null || cargo bench --bench board_fanout --no-run
CLIENT=$(ls -t target/release/deps/board_fanout-* | grep -v '\.d$' | head -1)
BIN=target/release/gazette
ADDR=127.0.0.1:18193
PW="bench password 123"
"$BIN" migrate --data-dir "$W/data" > /dev/null
echo "$PW" | "$BIN" user add --data-dir "$W/data" --role 编辑 --site main boardviewer > /dev/null
for i in $(seq "$EDITORS"); do
  echo "$PW" | "$BIN" user add --data-dir "$W/data" --role 编辑 --site main "boardeditor$i" > /dev/null
done
# load the demo and let its jobs finish, then start again: the server
# measured is one that runs, not one that just loaded a demo
"$BIN" serve --demo --data-dir "$W/data" --addr $ADDR > "$W/demo.log" 2>&1 &
SPID=$!
for _ in $(seq 600); do
  (( $(grep -c "picture variants made" "$W/demo.log") >= 18 )) && break
  sleep 0.5
done
kill $SPID; wait $SPID 2>/dev/null || true
"$BIN" serve --data-dir "$W/data" --addr $ADDR > "$W/serve.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null http://$ADDR/ && break; sleep 0.1; done
PAGE=/zw/yw/2023-06/01/900001.html
curl -s -o /dev/null http://$ADDR$PAGE
rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$SPID/status; }
page_rps() { wrk -t1 -c32 -d10s http://$ADDR$PAGE | awk '/Requests\/sec/ {print $2}'; }
echo "== $(nproc) cores; $BOARDS boards, $EDITORS editors acting once a second for $SECONDS_ s; server RSS idle $(rss) MB"
base=$(page_rps)
echo "story page, no boards: $base req/s"
"$CLIENT" $ADDR "$BOARDS" "$EDITORS" "$SECONDS_" boardviewer boardeditor "$PW" > "$W/client.out" 2>&1 &
CPID=$!
peak=0
while ! grep -q ACTING "$W/client.out" 2>/dev/null; do
  kill -0 $CPID 2>/dev/null || { cat "$W/client.out"; exit 1; }
  r=$(rss); ((r > peak)) && peak=$r; sleep 0.5
done
open=$(rss)
page_rps > "$W/during.wrk" &
WPID=$!
while ! grep -q DONE "$W/client.out"; do
  kill -0 $CPID 2>/dev/null || { cat "$W/client.out"; exit 1; }
  r=$(rss); ((r > peak)) && peak=$r; sleep 0.5
done
wait $WPID || true
wait $CPID || true
grep -v -e ACTING -e DONE "$W/client.out"
during=$(cat "$W/during.wrk")
echo "server RSS with the boards open ${open} MB, peak ${peak} MB"
echo "story page while the boards update: $during req/s ($(echo "scale=2; $during / $base" | bc) of no boards)"
