#!/usr/bin/env bash
# Two nodes vs one, on PostgreSQL and on SQLite, side by side in one run:
# article page requests/s through nginx (bench/nginx/two_nodes.conf, the
# docs/deploy.md setup) and publish throughput (bench/publish_rate.py:
# stories through 三审 and 签发 over HTTP, 4 desks at once).
#
#   bench/scale_out.sh [N] [SECONDS] [STORIES]     (default 10000 8 200)
#
# The N-story corpus is imported once into SQLite (target/bench/N/data) and
# once into a PostgreSQL schema (gz_bench_N of $GAZETTE_BENCH_DATABASE_URL,
# default the local test database). Each node has its own data directory (its
# search index); SQLite nodes share one database file. Needs nginx, wrk, psql.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
SECS=${2:-8}
STORIES=${3:-200}
source bench/common.sh
PG=${GAZETTE_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
SCHEMA=gz_bench_$N
ROOT=$(pwd)/$WORK/scale
rm -rf "$ROOT" && mkdir -p "$ROOT/tmp"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $ROOT/nginx.pid ]] && kill "$(cat "$ROOT/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

# the databases: a copy of the SQLite corpus (the benchmark's stories stay
# out of the shared data) and the PostgreSQL schema, imported once
cp "$WORK/data/gazette.db" "$ROOT/sqlite.db"
if [[ $(psql "$PG" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = '$SCHEMA' AND table_name = 'articles'") != 1 ]]; then
  echo "importing $N stories into PostgreSQL schema $SCHEMA (once)"
  "$BIN" import "$WORK/corpus.jsonl" --create-channels --data-dir "$WORK/pg-import" \
    --database-url "$PG" --database-schema "$SCHEMA" > /dev/null
fi
url_of() { [[ $1 == sqlite ]] && echo "sqlite://$ROOT/sqlite.db" || echo "$PG"; }
for backend in sqlite postgres; do
  for spec in "reporter 记者" "editor 编辑" "second 审核2" "signer 签发人"; do
    set -- $spec
    echo "bench-password-1" | "$BIN" user add --data-dir "$ROOT/users" --database-url "$(url_of $backend)" \
      --database-schema "$SCHEMA" --role "$2" --site main "$1" > /dev/null 2>&1 || true
  done
done

start_nodes() { # backend count
  local backend=$1 count=$2 ups=""
  for i in $(seq "$count"); do
    local port=$((18300 + i)) dir=$ROOT/$backend-node$i
    mkdir -p "$dir"
    # each node's own search index, built before it serves
    [[ -d $dir/search ]] || "$BIN" reindex --data-dir "$dir" --database-url "$(url_of "$backend")" --database-schema "$SCHEMA" > /dev/null 2>&1
    "$BIN" serve --data-dir "$dir" --addr 127.0.0.1:$port --database-url "$(url_of "$backend")" \
      --database-schema "$SCHEMA" --node-id "$backend-$i" > "$ROOT/$backend-node$i.log" 2>&1 &
    PIDS+=($!)
    ups+="server 127.0.0.1:$port max_fails=2 fail_timeout=5s; "
    for _ in $(seq 300); do curl -fs -o /dev/null http://127.0.0.1:$port/readyz && break; sleep 0.1; done
  done
  sed -e "s|@WORK@|$ROOT|g" -e "s|@PORT@|18300|g" -e "s|@UPSTREAMS@|$ups|" bench/nginx/two_nodes.conf > "$ROOT/nginx.conf"
  nginx -c "$ROOT/nginx.conf" -e "$ROOT/nginx-error.log"
  for _ in $(seq 50); do [[ -f $ROOT/nginx.pid ]] && break; sleep 0.1; done
}
stop_nodes() {
  kill "$(cat "$ROOT/nginx.pid")" && rm -f "$ROOT/nginx.pid"
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  PIDS=()
  sleep 0.5
}

echo "== $(nproc) cores; $N stories; wrk -t2 -c64 -d${SECS}s on a story page through nginx; $STORIES stories published by 4 desks"
printf "%-9s %-6s %14s %16s\n" backend nodes "story req/s" "published/s"
for backend in sqlite postgres; do
  for nodes in 1 2; do
    start_nodes "$backend" "$nodes"
    story=$(curl -s http://127.0.0.1:18300/zw/yw/ | grep -o 'href="/zw/yw/20[0-9-]*/[0-9]*/[0-9]*\.html"' | head -1 | cut -d'"' -f2)
    for _ in 1 2 3; do curl -s -o /dev/null "http://127.0.0.1:18300$story"; done
    rps=$(wrk -t2 -c64 -d"${SECS}s" "http://127.0.0.1:18300$story" | awk '/Requests\/sec/ {print $2}')
    pub=$(python3 bench/publish_rate.py http://127.0.0.1:18300 "$STORIES" 4 | sed -E 's/.*: ([0-9.]+) stories\/s.*/\1/')
    printf "%-9s %-6s %14s %16s\n" "$backend" "$nodes" "$rps" "$pub"
    stop_nodes
  done
done
