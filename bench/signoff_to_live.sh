#!/usr/bin/env bash
# Sign-off to live under load: gazette serve on N stories, wrk loading a story
# page, the home page and a channel page meanwhile, COUNT stories taken
# through 三审 and 签发 over HTTP; prints how long after each sign-off
# returns the story is visible (bench/signoff_live.py).
#
#   bench/signoff_to_live.sh [N] [COUNT]      (default 100000 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
COUNT=${2:-1000}
source bench/common.sh
# a copy: the benchmark's stories stay out of the shared data
rm -rf "$WORK/signoff-data" && cp -r "$WORK/data" "$WORK/signoff-data"
DATA=$WORK/signoff-data
for spec in "reporter 记者" "editor 编辑" "second 审核2" "signer 签发人"; do
  set -- $spec
  echo "bench-password-1" | "$BIN" user add --data-dir "$DATA" --role "$2" --site main "$1" > /dev/null
done
PORT=18185
"$BIN" serve --data-dir "$DATA" --addr 127.0.0.1:$PORT > "$WORK/signoff.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -fs -o /dev/null http://127.0.0.1:$PORT/ && break; sleep 0.1; done
STORY=$(curl -s "http://127.0.0.1:$PORT/zw/yw/" | grep -o 'href="/zw/yw/20[0-9-]*/[0-9]*/[0-9]*\.html"' | head -1 | cut -d'"' -f2)
cat > "$WORK/paths.lua" <<LUA
local paths = {"$STORY", "/", "/zw/", "/sh/"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
echo "== $(nproc) cores; $N stories; wrk -t1 -c16 on a story, home and channel pages meanwhile"
wrk -t1 -c16 -d600s -s "$WORK/paths.lua" "http://127.0.0.1:$PORT" > "$WORK/signoff-wrk.txt" 2>&1 &
WRK=$!
trap 'kill $WRK $PID 2>/dev/null || true' EXIT
python3 bench/signoff_live.py "http://127.0.0.1:$PORT" "$COUNT"
