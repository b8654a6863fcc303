#!/usr/bin/env bash
# A reader's latency while one client tries to take the site down, side by
# side with the quiet figure (benches/overload.rs): one `gazette serve`
# (release build, the demo) on loopback with a connection cap of CAP; the
# client measures REQUESTS page requests on new connections quiet, while one
# address opens STREAMS live event streams (the demo's 现场直播, 900202),
# and while SLOW clients dribble their headers and come back when let go.
#
#   bench/overload.sh [CAP] [STREAMS] [SLOW] [REQUESTS]   (default 1024 4200 1100 200)
#
# Raises `ulimit -n` for itself (the client holds STREAMS + SLOW sockets).
# GAZETTE_BIN=path runs another build of the server (e.g. an older commit's,
# to compare before and after).
set -euo pipefail
cd "$(dirname "$0")/.."
CAP=${1:-1024}
STREAMS=${2:-4200}
SLOW=${3:-1100}
REQUESTS=${4:-200}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
W=$(pwd)/target/bench/overload
rm -rf "$W" && mkdir -p "$W"
cargo build --release --quiet
cargo bench --bench overload --no-run --quiet 2>/dev/null || cargo bench --bench overload --no-run
CLIENT=$(ls -t target/release/deps/overload-* | grep -v '\.d$' | head -1)
BIN=${GAZETTE_BIN:-target/release/gazette}
ADDR=127.0.0.1:18193
"$BIN" serve --demo --data-dir "$W/data" --addr $ADDR --max-connections "$CAP" > "$W/serve.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT
for _ in $(seq 300); do curl -fs -o /dev/null http://$ADDR/readyz && break; sleep 0.1; done
echo "== $(nproc) cores; connection cap $CAP; descriptors $(ulimit -n); $REQUESTS page requests per phase"
"$CLIENT" $ADDR 900202 "$STREAMS" "$SLOW" "$REQUESTS"
