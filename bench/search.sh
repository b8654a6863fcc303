#!/usr/bin/env bash
# Import throughput, index build time and size, and search latency/recall vs
# SQLite FTS5, on a corpus of N stories from shared/bench/gen_corpus.py.
#
#   bench/search.sh [N] [ROUNDS]      (default N=100000, ROUNDS=20)
#   QUERIES_ONLY=1 bench/search.sh N  reuse target/bench/N/data, run the queries only
#
# Work files go to target/bench/N/ (the corpus is kept between runs).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
ROUNDS=${2:-20}
SHARED=${SHARED:-../shared}
WORK=target/bench/$N
mkdir -p "$WORK"
if [[ ! -s $WORK/corpus.jsonl ]]; then
  echo "== generating $N stories"
  python3 "$SHARED/bench/gen_corpus.py" "$N" > "$WORK/corpus.jsonl"
fi
cargo build --release --quiet
BIN=target/release/gazette
if [[ -z ${QUERIES_ONLY:-} ]]; then
rm -rf "$WORK/data"
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "== import $N stories ($(du -h "$WORK/corpus.jsonl" | cut -f1) of JSON lines)"
"$BIN" migrate --data-dir "$WORK/data" > /dev/null
/usr/bin/time -v "$BIN" import "$WORK/corpus.jsonl" --create-channels --data-dir "$WORK/data" \
  2> "$WORK/import.time" | grep -E '^已导入'
grep -E 'Maximum resident|Elapsed' "$WORK/import.time" | sed 's/^\s*/   /'
echo "== reindex"
/usr/bin/time -v "$BIN" reindex --data-dir "$WORK/data" 2> "$WORK/reindex.time" | grep -E '^indexed'
grep -E 'Maximum resident|Elapsed' "$WORK/reindex.time" | sed 's/^\s*/   /'
echo "   index size: $(du -sh "$WORK/data/search" | cut -f1); database: $(du -sh "$WORK/data/gazette.db" | cut -f1)"
fi
echo "== queries"
cargo bench --quiet --bench search -- "$WORK/data" "$ROUNDS"
echo "   fts5 baseline size: $(du -sh "$WORK/data/fts5-baseline.db" | cut -f1)"
