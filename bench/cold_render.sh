#!/usr/bin/env bash
# Cold render (render cache off): requests/s of a story, a channel and a home
# page at two archive sizes, same wrk command. Uses the data directories that
# bench/search.sh leaves in target/bench/N/data (run it first), or imports.
#
#   bench/cold_render.sh [SMALL] [LARGE] [SECONDS]     (default 10000 1000000 8)
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${1:-10000}
LARGE=${2:-1000000}
SECS=${3:-8}
SHARED=${SHARED:-../shared}
cargo build --release --quiet
BIN=target/release/gazette
PORT=18183
echo "== machine: $(nproc) cores; render cache off (--cache-mb 0); wrk -t1 -c16 and -t2 -c32, -d${SECS}s"
for N in $SMALL $LARGE; do
  WORK=target/bench/$N
  if [[ ! -d $WORK/data ]]; then
    mkdir -p "$WORK"
    [[ -s $WORK/corpus.jsonl ]] || python3 "$SHARED/bench/gen_corpus.py" "$N" > "$WORK/corpus.jsonl"
    "$BIN" import "$WORK/corpus.jsonl" --create-channels --data-dir "$WORK/data" > /dev/null
  fi
  # build the search index first: serve's follower would otherwise index the
  # archive in the background, on the cores being measured
  [[ -d $WORK/data/search ]] || "$BIN" reindex --data-dir "$WORK/data" > /dev/null
  "$BIN" serve --data-dir "$WORK/data" --addr 127.0.0.1:$PORT --cache-mb 0 > "$WORK/cold.log" 2>&1 &
  PID=$!
  for _ in $(seq 200); do curl -fs -o /dev/null http://127.0.0.1:$PORT/ && break; sleep 0.1; done
  # a story of the main site from the middle of the archive
  STORY=$(curl -s "http://127.0.0.1:$PORT/zw/yw/" | grep -o 'href="/zw/yw/20[0-9-]*/[0-9]*/[0-9]*\.html"' | head -1 | cut -d'"' -f2)
  for page in "$STORY" /zw/yw/ /zw/yw/index_50.html /; do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT$page" || { echo "   $page: not found"; continue; }
    r1=$(wrk -t1 -c16 -d"${SECS}s" "http://127.0.0.1:$PORT$page" | awk '/Requests\/sec/ {print $2}')
    r2=$(wrk -t2 -c32 -d"${SECS}s" "http://127.0.0.1:$PORT$page" | awk '/Requests\/sec/ {print $2}')
    printf "  %8s stories  %-40s %8.0f req/s (-t1 -c16) %8.0f req/s (-t2 -c32)\n" "$N" "$page" "$r1" "$r2"
  done
  kill $PID; wait $PID 2>/dev/null || true
done
