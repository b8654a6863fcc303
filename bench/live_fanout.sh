#!/usr/bin/env bash
# Live fan-out: READERS readers of the demo's live story (现场直播, 900202)
# on one `gazette serve` on loopback while an editor approves ENTRIES
# entries, one a second (benches/live_fanout.rs), first with every reader
# on server-sent events, then with every reader polling every 10 s (what
# WordPress' liveblog does). For each: delivery latency (p50/p99/max over
# every reader and entry; the time until every reader had each entry),
# readers that missed an entry, the server's RSS (sampled every 0.5 s),
# and the warm story page's throughput (wrk, 10 s) during the approvals
# against the same page with no readers.
#
#   bench/live_fanout.sh [READERS] [ENTRIES]      (default 10000 20)
#
# Needs wrk (apt install wrk). Raises `ulimit -n` for itself.
set -euo pipefail
cd "$(dirname "$0")/.."
READERS=${1:-10000}
ENTRIES=${2:-20}
# as many descriptors as allowed (10,000 readers need 10,000 on each side)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "descriptors: $(ulimit -n)"
W=$(pwd)/target/bench/live
rm -rf "$W" && mkdir -p "$W"
cargo build --release --quiet
cargo bench --bench live_fanout --no-run --quiet 2>/dev/null || cargo bench --bench live_fanout --no-run
CLIENT=$(ls -t target/release/deps/live_fanout-* | grep -v '\.d$' | head -1)
BIN=target/release/gazette
PORT=18191
ADDR=127.0.0.1:$PORT
PW="bench password 123"
"$BIN" migrate --data-dir "$W/data" > /dev/null
echo "$PW" | "$BIN" user add --data-dir "$W/data" --role 记者 livereporter > /dev/null
echo "$PW" | "$BIN" user add --data-dir "$W/data" --role 编辑 liveeditor > /dev/null
# load the demo and let its jobs (picture variants, videos) finish, then
# start again: the server measured is one that runs, not one that just
# loaded a demo (whose picture decoding leaves the allocator's pages behind)
"$BIN" serve --demo --data-dir "$W/data" --addr $ADDR > "$W/demo.log" 2>&1 &
SPID=$!
for _ in $(seq 600); do
  (( $(grep -c "picture variants made" "$W/demo.log") >= 18 && $(grep -c "video processed" "$W/demo.log") >= 2 )) && break
  sleep 0.5
done
kill $SPID; wait $SPID 2>/dev/null || true
"$BIN" serve --data-dir "$W/data" --addr $ADDR --max-connections 30000 > "$W/serve.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null http://$ADDR/ && break; sleep 0.1; done
PAGE=/zw/yw/2023-06/01/900001.html
curl -s -o /dev/null http://$ADDR$PAGE
rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$SPID/status; }
page_rps() { wrk -t1 -c32 -d10s http://$ADDR$PAGE | awk '/Requests\/sec/ {print $2}'; }
echo "== $(nproc) cores; $READERS readers, $ENTRIES approvals one a second; server RSS idle $(rss) MB"
base=$(page_rps)
echo "story page alone: $base req/s"
for mode in ${MODES:-sse poll}; do
  "$CLIENT" $ADDR $mode "$READERS" "$ENTRIES" 900202 livereporter liveeditor "$PW" > "$W/$mode.out" 2>&1 &
  CPID=$!
  peak=0
  while ! grep -q APPROVING "$W/$mode.out" 2>/dev/null; do
    kill -0 $CPID 2>/dev/null || { cat "$W/$mode.out"; exit 1; }
    r=$(rss); ((r > peak)) && peak=$r; sleep 0.5
  done
  connected=$(rss)
  # the page's throughput while the approvals go out (10 s of the 20)
  page_rps > "$W/$mode.wrk" &
  WPID=$!
  while ! grep -q DONE "$W/$mode.out"; do
    r=$(rss); ((r > peak)) && peak=$r; sleep 0.5
  done
  wait $WPID || true
  wait $CPID || true
  grep -v -e APPROVING -e DONE "$W/$mode.out"
  during=$(cat "$W/$mode.wrk")
  echo "$mode: server RSS with every reader in ${connected} MB, peak ${peak} MB; story page during the approvals $during req/s ($(echo "scale=2; $during / $base" | bc) of alone)"
  sleep 2
done
