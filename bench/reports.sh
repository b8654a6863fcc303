#!/usr/bin/env bash
# The 举报 flood: RATE reports a second for SECS seconds from ADDRESSES
# client addresses (X-Forwarded-For; the server trusts loopback as its
# proxy) against one `gazette serve` on SQLite with the demo
# (benches/reports.rs), while wrk reads the seed story page. Prints the
# reports accepted, limited and lost (a receipt given whose lookup fails:
# must be 0), the filing latency, and the story page's p99 and throughput
# during the flood against the same page alone.
#
#   bench/reports.sh [RATE] [SECS] [ADDRESSES]      (default 1000 10 50)
#
# The limits are the defaults (10 an hour per address, 3000 an hour in
# all); REPORT_LIMIT / REPORT_GLOBAL_LIMIT change them. Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-1000}
SECS=${2:-10}
ADDRS=${3:-50}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
W=$(pwd)/target/bench/reports
rm -rf "$W" && mkdir -p "$W"
cargo build --release --quiet
cargo bench --bench reports --no-run --quiet 2>/dev/null || cargo bench --bench reports --no-run
CLIENT=$(ls -t target/release/deps/reports-* | grep -v '\.d$' | head -1)
BIN=target/release/gazette
ADDR=127.0.0.1:18193
"$BIN" migrate --data-dir "$W/data" > /dev/null
"$BIN" serve --demo --data-dir "$W/data" --addr $ADDR --trusted-proxy 127.0.0.1 \
  --report-limit "${REPORT_LIMIT:-10}" --report-global-limit "${REPORT_GLOBAL_LIMIT:-3000}" > "$W/serve.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT
for _ in $(seq 300); do curl -fs -o /dev/null http://$ADDR/ && break; sleep 0.1; done
# let the demo's picture and video jobs finish first
for _ in $(seq 600); do
  (( $(grep -c "picture variants made" "$W/serve.log") >= 18 && $(grep -c "video processed" "$W/serve.log") >= 2 )) && break
  sleep 0.5
done
PAGE=/zw/yw/2023-06/01/900001.html
curl -s -o /dev/null http://$ADDR$PAGE
page() { wrk -t1 -c16 -d"$1"s --latency http://$ADDR$PAGE | awk '/Requests\/sec/ {rps=$2} / 99%/ {p99=$2} END {print rps, p99}'; }
echo "== $(nproc) cores; $RATE reports/s for ${SECS}s from $ADDRS addresses"
read -r rps0 p990 < <(page "$SECS")
echo "story page alone:        $rps0 req/s, p99 $p990"
"$CLIENT" $ADDR "$RATE" "$SECS" "$ADDRS" > "$W/client.out" 2>&1 &
CPID=$!
while ! grep -q READY "$W/client.out" 2>/dev/null; do
  kill -0 $CPID 2>/dev/null || { cat "$W/client.out"; exit 1; }
  sleep 0.2
done
read -r rps1 p991 < <(page "$SECS")
wait $CPID
grep -v -e READY -e DONE "$W/client.out"
echo "story page during flood: $rps1 req/s, p99 $p991"
echo "server RSS: $(awk '/VmRSS/ {print int($2/1024)}' /proc/$SPID/status) MB"
