#!/usr/bin/env bash
# Full static build: gazette vs Hugo on the same corpus, alternating in one
# run (ROUNDS times each), wall time and peak memory, with the ratios.
#
#   bench/build_vs_hugo.sh [N] [ROUNDS]      (default 50000 2)
#
# Needs Debian's `hugo`. The Hugo site comes from ../shared/bench/hugo_site.py
# (its docstring lists the pages); gazette's export of the same corpus carries
# those pages and more (county sites, feeds, sitemaps, the 更多 fragments).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50000}
ROUNDS=${2:-2}
SHARED=${SHARED:-../shared}
command -v hugo >/dev/null || { echo "needs hugo (apt install hugo)"; exit 1; }
cargo build --release --quiet
BIN=$PWD/target/release/gazette
WORK=target/bench/$N
mkdir -p "$WORK"
[[ -s $WORK/corpus.jsonl ]] || python3 "$SHARED/bench/gen_corpus.py" "$N" > "$WORK/corpus.jsonl"
if [[ ! -d $WORK/data ]]; then
  "$BIN" import "$WORK/corpus.jsonl" --create-channels --data-dir "$WORK/data" > /dev/null
fi
python3 "$SHARED/bench/hugo_site.py" "$WORK/corpus.jsonl" "$WORK/hugo" 2> /dev/null
echo "== $(nproc) cores; $N stories; $(hugo version | cut -d' ' -f2); gazette $(git rev-parse --short HEAD)"
count() { find "$1" -type f -name '*.html' | wc -l; }
for r in $(seq "$ROUNDS"); do
  rm -rf "$WORK/hugo-out" "$WORK/export"
  read -r hw hm < <(python3 bench/measure.py hugo --quiet -s "$WORK/hugo" -d "$PWD/$WORK/hugo-out")
  read -r gw gm < <(python3 bench/measure.py "$BIN" build --data-dir "$WORK/data" --out "$WORK/export")
  printf "round %d  hugo    %7.2f s %6d MB  %6d html files\n" "$r" "$hw" "$hm" "$(count "$WORK/hugo-out")"
  printf "round %d  gazette %7.2f s %6d MB  %6d html files (%d files in all)\n" "$r" "$gw" "$gm" \
    "$(count "$WORK/export")" "$(find "$WORK/export" -type f | wc -l)"
  python3 -c "print(f'round $r  gazette is {$hw/$gw:.2f}x faster, uses {$gm/$hm:.2f} of the memory')"
done
