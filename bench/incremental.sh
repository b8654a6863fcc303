#!/usr/bin/env bash
# Incremental static build after one new story at N stories: files rewritten
# and wall time (process start to exit, and the build's own time), against a
# full build of the same data. One story is added through `gazette import`
# (the same write path and change log as a sign-off) in 政务要闻 of the main
# site, signed after every story of the corpus (the common case of a
# sign-off: the newest story).
#
#   bench/incremental.sh [N] [ROUNDS]      (default 100000 3)
#   VERIFY=1 ...   also builds in full afterwards and diffs the two trees
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
ROUNDS=${2:-3}
source bench/common.sh
echo "== $(nproc) cores; $N stories (plus earlier benchmark stories); gazette $(git rev-parse --short HEAD)"
OUT=$WORK/export-inc
read -r fw fm _ < <(python3 bench/measure.py "$BIN" build --public-url http://127.0.0.1:8080 --data-dir "$WORK/data" --out "$OUT")
echo "full build:        ${fw} s, ${fm} MB peak, $(find "$OUT" -type f | wc -l) files"
for r in $(seq "$ROUNDS"); do
  id=$((9000000 + RANDOM * 10 + r))
  # signed after every story of the corpus (which runs into the future), so
  # it is the newest: the common case of a sign-off
  now=$(python3 -c 'import time; t = time.gmtime(1798761600 + time.time() - 1.79e9); print(time.strftime("%Y-%m-%dT%H:%M:%S+00:00", t))')
  printf '{"id": %d, "site": "main", "channel": "zw/yw", "title": "增量构建基准稿件%d", "authors": [{"role": "记者", "name": "测试"}], "source": "滨州网讯", "editor": "编辑", "signed_at": "%s", "body": ["第一段。", "第二段。"], "tags": ["营商环境"]}\n' \
    "$id" "$r" "$now" > "$WORK/one.jsonl"
  "$BIN" import "$WORK/one.jsonl" --data-dir "$WORK/data" > /dev/null 2>&1
  res=$(python3 bench/measure.py "$BIN" build --incremental --public-url http://127.0.0.1:8080 --data-dir "$WORK/data" --out "$OUT" 2> "$WORK/inc.log")
  read -r iw im _ <<< "$res"
  echo "round $r: process ${iw} s, ${im} MB peak; $(grep -o '[a-z]* build: .*' "$WORK/inc.log")"
done
res=$(python3 bench/measure.py "$BIN" build --incremental --public-url http://127.0.0.1:8080 --data-dir "$WORK/data" --out "$OUT" 2> "$WORK/inc.log")
read -r iw im _ <<< "$res"
echo "no change:  process ${iw} s; $(grep -o '[a-z]* build: .*' "$WORK/inc.log")"
if [[ -n ${VERIFY:-} ]]; then
  rm -rf "$WORK/export-full"
  "$BIN" build --public-url http://127.0.0.1:8080 --data-dir "$WORK/data" --out "$WORK/export-full" > /dev/null 2>&1
  if diff -r -q "$OUT" "$WORK/export-full" > "$WORK/diff.txt"; then
    echo "verify: the incremental tree equals a full build"
  else
    echo "verify: $(wc -l < "$WORK/diff.txt") files differ from a full build (see $WORK/diff.txt)"
  fi
fi
