#!/usr/bin/env bash
# What counting readers' views costs (热点排行, issue 25): the warm story page
# from `gazette serve` with view counting on and with `--no-count-views`,
# requests as a browser's (a User-Agent that counts), alternating in one run;
# then the warm ranking pages (/phb/, a channel's, the rule page).
#
#   bench/views_on_off.sh [SECONDS] [CONNECTIONS]     (default 10 s, 128)
#
# Needs wrk (apt install wrk). Uses the 滨州网 demo content.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
CONNS=${2:-128}
WORK=$(pwd)/target/bench/views
rm -rf "$WORK" && mkdir -p "$WORK"
if [[ -z "${BIN:-}" ]]; then
  cargo build --release --quiet
  BIN=target/release/gazette
fi
ON=18191
OFF=18192
PAGE=${PAGE:-/zw/yw/2023-06/01/900001.html}
UA="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
"$BIN" serve --demo --data-dir "$WORK/on" --addr 127.0.0.1:$ON > "$WORK/on.log" 2>&1 &
P1=$!
"$BIN" serve --demo --no-count-views --data-dir "$WORK/off" --addr 127.0.0.1:$OFF > "$WORK/off.log" 2>&1 &
P2=$!
trap 'kill $P1 $P2 2>/dev/null' EXIT
for port in $ON $OFF; do
  for _ in $(seq 150); do curl -fs -o /dev/null http://127.0.0.1:$port$PAGE && break; sleep 0.1; done
done
# the demo's picture jobs settle on both (each re-renders pages while it runs)
last=-1; same=0
while ((same < 3)); do
  n=$(cat "$WORK/on.log" "$WORK/off.log" | grep -c "picture variants made" || true)
  if [[ $n == "$last" ]]; then same=$((same + 1)); else same=0; last=$n; fi
  sleep 1
done
seed=$(sqlite3 "$WORK/on/gazette.db" 'SELECT COALESCE(SUM(count),0) FROM views')
run() { wrk -t2 -c"$CONNS" -d"${SECS}s" -H "User-Agent: $UA" "$@" | awk '/Requests\/sec/ {print $2}'; }
echo "== machine: $(nproc) cores; wrk -t2 -c$CONNS -d${SECS}s as a browser; page $PAGE"
for port in $ON $OFF; do curl -s -A "$UA" -o /dev/null http://127.0.0.1:$port$PAGE; done
on1=$(run http://127.0.0.1:$ON$PAGE);  off1=$(run http://127.0.0.1:$OFF$PAGE)
on2=$(run http://127.0.0.1:$ON$PAGE);  off2=$(run http://127.0.0.1:$OFF$PAGE)
off3=$(run http://127.0.0.1:$OFF$PAGE); on3=$(run http://127.0.0.1:$ON$PAGE)
onm=$(echo "($on1 + $on2 + $on3) / 3" | bc -l); offm=$(echo "($off1 + $off2 + $off3) / 3" | bc -l)
printf "  story page   counting on %9.0f req/s   off %9.0f req/s   on/off %.3f (cost %.1f%%)\n" \
  "$onm" "$offm" "$(echo "$onm / $offm" | bc -l)" "$(echo "(1 - $onm / $offm) * 100" | bc -l)"
echo "               (runs: on $on1 $on2 $on3 / off $off1 $off2 $off3)"
# the counted views reach the database within a batch interval
sleep 11
on_views=$(( $(sqlite3 "$WORK/on/gazette.db" 'SELECT COALESCE(SUM(count),0) FROM views') - seed ))
off_views=$(( $(sqlite3 "$WORK/off/gazette.db" 'SELECT COALESCE(SUM(count),0) FROM views') - seed ))
echo "  views counted (beyond the demo's): on $on_views, off $off_views"
for path in /phb/ /phb/sh/ /phb/rule.html; do
  curl -s -o /dev/null http://127.0.0.1:$ON$path
  r=$(run http://127.0.0.1:$ON$path)
  printf "  ranking page %-16s %9.0f req/s (warm)\n" "$path" "$r"
done
