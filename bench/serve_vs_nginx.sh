#!/usr/bin/env bash
# Warm story page: `gazette serve` (render cache warm) vs nginx serving the
# same page from `gazette build` (with `ssi on;`, as deployed: the story file
# includes the site's "更多..." fragment), same wrk command, alternating in one
# run, with and without Accept-Encoding: gzip. Also nginx serving the same
# bytes as one plain file (no SSI), its best case.
#
#   bench/serve_vs_nginx.sh [SECONDS] [CONNECTIONS]     (default 10 s, 128)
#   BIN=/tmp/gazette-old PAGE=/tp/... bench/serve_vs_nginx.sh   (another binary, another page)
#
# Needs nginx and wrk (apt install nginx wrk). Uses the 滨州网 demo content.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
CONNS=${2:-128}
WORK=$(pwd)/target/bench/serve
rm -rf "$WORK" && mkdir -p "$WORK/tmp"
# BIN=path runs another build (an A/B against an earlier commit's binary)
if [[ -z "${BIN:-}" ]]; then
  cargo build --release --quiet
  BIN=target/release/gazette
fi
GPORT=18181
NPORT=18182
PPORT=18184
PAGE=${PAGE:-/zw/yw/2023-06/01/900001.html}
"$BIN" serve --demo --data-dir "$WORK/data" --addr 127.0.0.1:$GPORT > "$WORK/serve.log" 2>&1 &
GPID=$!
trap 'kill $GPID 2>/dev/null; [[ -f $WORK/nginx.pid ]] && kill $(cat $WORK/nginx.pid) 2>/dev/null' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:$GPORT/ && break; sleep 0.1; done
# wait for the search index to take in the demo (related stories are part of the page)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$GPORT/search.json?q=%E8%81%8C%E6%95%99%E7%A4%BE" | grep -q '"total":[1-9]' && break; sleep 0.1; done
# and for the demo pictures' variant jobs (each one re-renders the pages showing it)
last=-1; same=0
while ((same < 3)); do
  n=$(grep -c "picture variants made" "$WORK/serve.log" || true)
  if [[ $n == "$last" ]]; then same=$((same + 1)); else same=0; last=$n; fi
  sleep 1
done
"$BIN" build --data-dir "$WORK/data" --out "$WORK/site" --public-url http://127.0.0.1:$GPORT > /dev/null 2>&1 || true
# the export must carry the same page (the build ran while serve held the index: it only reads)
mkdir -p "$WORK/plain$(dirname $PAGE)"
sed -e "s#@ROOT@#$WORK/site#" -e "s#@PORT@#$NPORT#" -e "s#@PLAINPORT@#$PPORT#" -e "s#@WORK@#$WORK#" bench/nginx/static.conf > "$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf"
for _ in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:$NPORT$PAGE && break; sleep 0.1; done
echo "== machine: $(nproc) cores; wrk -t2 -c$CONNS -d${SECS}s; page $PAGE ($(curl -s http://127.0.0.1:$GPORT$PAGE | wc -c) bytes)"
curl -s http://127.0.0.1:$NPORT$PAGE > "$WORK/plain$PAGE"
cmp <(curl -s http://127.0.0.1:$GPORT$PAGE) <(curl -s http://127.0.0.1:$NPORT$PAGE) && echo "   served and exported (SSI) bytes are identical"
cmp <(curl -s http://127.0.0.1:$GPORT$PAGE) <(curl -s http://127.0.0.1:$PPORT$PAGE) && echo "   and so is the plain file"
run() { wrk -t2 -c"$CONNS" -d"${SECS}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
for enc in identity gzip; do
  hdr=()
  [[ $enc == gzip ]] && hdr=(-H "Accept-Encoding: gzip")
  curl -s "${hdr[@]}" -o /dev/null http://127.0.0.1:$GPORT$PAGE   # warm the cache
  g=$(run "${hdr[@]}" http://127.0.0.1:$GPORT$PAGE)
  n=$(run "${hdr[@]}" http://127.0.0.1:$NPORT$PAGE)
  g2=$(run "${hdr[@]}" http://127.0.0.1:$GPORT$PAGE)
  n2=$(run "${hdr[@]}" http://127.0.0.1:$NPORT$PAGE)
  p=$(run "${hdr[@]}" http://127.0.0.1:$PPORT$PAGE)
  g3=$(run "${hdr[@]}" http://127.0.0.1:$GPORT$PAGE)
  p2=$(run "${hdr[@]}" http://127.0.0.1:$PPORT$PAGE)
  gm=$(echo "($g + $g2 + $g3) / 3" | bc -l); nm=$(echo "($n + $n2) / 2" | bc -l); pm=$(echo "($p + $p2) / 2" | bc -l)
  printf "  %-8s gazette %9.0f req/s   nginx+SSI %9.0f req/s   ratio %.2f   nginx plain file %9.0f req/s   ratio %.2f\n" \
    "$enc" "$gm" "$nm" "$(echo "$gm / $nm" | bc -l)" "$pm" "$(echo "$gm / $pm" | bc -l)"
  echo "           (runs: gazette $g $g2 $g3 / nginx+SSI $n $n2 / plain $p $p2)"
done
