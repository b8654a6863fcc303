#!/usr/bin/env bash
# The content API against the portal's own page (issue 27): the same wrk
# command on
#   - the API's story list (/api/v1/stories?site=main, 20 stories, full JSON),
#   - one story from the API (/api/v1/stories/ID),
#   - the same story as its HTML page,
# warm (render cache on: every answer is a hit after the first) and cold
# (`--cache-mb 0`: every request renders), alternating in one run so the
# machine's noise falls on both. Prints req/s and p99 side by side and the
# API's ratio to the page. Every API request carries a key, so each one also
# passes the door (key lookup, the minute's quota).
#
#   bench/api_vs_page.sh [SECONDS] [CONNECTIONS]    (default 10 s, 64)
#
# Needs wrk (apt install wrk). Uses the 滨州网 demo content.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
CONNS=${2:-64}
WORK=$(pwd)/target/bench/api
rm -rf "$WORK" && mkdir -p "$WORK"
if [[ -z "${BIN:-}" ]]; then
  cargo build --release --quiet
  BIN=target/release/gazette
fi
STORY=900001
PAGE=/zw/yw/2023-06/01/$STORY.html
WARM=18191
COLD=18192
"$BIN" serve --demo --data-dir "$WORK/data" --addr 127.0.0.1:$WARM > "$WORK/warm.log" 2>&1 &
P1=$!
trap 'kill $P1 ${P2:-} 2>/dev/null' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:$WARM/ && break; sleep 0.1; done
# the demo pictures' variant jobs re-render what shows them: let them finish
sleep 5
KEY=$("$BIN" api-key add --data-dir "$WORK/data" --name bench --per-minute 10000000 2>/dev/null)
# the same database, a second process without a render cache
"$BIN" serve --data-dir "$WORK/data" --addr 127.0.0.1:$COLD --cache-mb 0 > "$WORK/cold.log" 2>&1 &
P2=$!
for _ in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:$COLD/ && break; sleep 0.1; done
AUTH="Authorization: Bearer $KEY"
LIST="/api/v1/stories?site=main"
ONE="/api/v1/stories/$STORY"
for p in "$LIST" "$ONE"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "http://127.0.0.1:$WARM$p")
  [[ $code == 200 ]] || { echo "API $p answered $code"; exit 1; }
done
echo "== machine: $(nproc) cores; wrk -t2 -c$CONNS -d${SECS}s --latency"
echo "   list $(curl -s -H "$AUTH" "http://127.0.0.1:$WARM$LIST" | wc -c) bytes, story JSON $(curl -s -H "$AUTH" "http://127.0.0.1:$WARM$ONE" | wc -c) bytes, page $(curl -s "http://127.0.0.1:$WARM$PAGE" | wc -c) bytes"
# req/s and p99 of one wrk run
# (a run with any answer but 200 is void: a refused key would be counted fast)
run() {
  wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$@" | awk '
    /Requests\/sec/ {rps=$2}
    /^ +99%/ {p99=$2}
    /Non-2xx/ {bad=$NF}
    END {if (bad) {print "VOID " bad " non-2xx"; exit 1}; printf "%s %s\n", rps, p99}'
}
printf '%-6s %-22s %12s %10s\n' "cache" "what" "req/s" "p99"
for mode in warm cold; do
  port=$WARM
  [[ $mode == cold ]] && port=$COLD
  for round in 1 2; do
    read -r l l99 < <(run -H "$AUTH" "http://127.0.0.1:$port$LIST")
    read -r o o99 < <(run -H "$AUTH" "http://127.0.0.1:$port$ONE")
    read -r g g99 < <(run "http://127.0.0.1:$port$PAGE")
    printf '%-6s %-22s %12s %10s\n' "$mode" "API list (20)" "$l" "$l99"
    printf '%-6s %-22s %12s %10s\n' "$mode" "API story" "$o" "$o99"
    printf '%-6s %-22s %12s %10s\n' "$mode" "HTML page" "$g" "$g99"
    python3 -c "print('%-6s round %d: API story / page = %.2f, API list / page = %.2f' % ('$mode', $round, float('$o') / float('$g'), float('$l') / float('$g')))" || true
  done
done
