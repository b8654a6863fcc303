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
command -v hugo >/dev/null || { echo "needs hugo (apt install hugo)"; exit 1; }
source bench/common.sh
python3 "$SHARED/bench/hugo_site.py" "$WORK/corpus.jsonl" "$WORK/hugo" 2> /dev/null
echo "== $(nproc) cores; $N stories; $(hugo version | cut -d' ' -f2); gazette $(git rev-parse --short HEAD)"
count() { find "$1" -type f -name '*.html' | wc -l; }
# Outputs go to new directories and are removed at the end: deleting tens of
# thousands of files just before a build slows ext4's inode allocation for
# whoever builds next (it skips inodes freed in the last 60 s, 360 s while
# their table blocks are dirty), so wait a while after removing old ones.
rm -rf "$WORK"/bench-out-*
sleep "${SETTLE:-90}"
for r in $(seq "$ROUNDS"); do
  H=$WORK/bench-out-hugo-$r G=$WORK/bench-out-gazette-$r
  read -r hw hm ha < <(python3 bench/measure.py hugo --quiet -s "$WORK/hugo" -d "$PWD/$H")
  read -r gw gm ga < <(python3 bench/measure.py "$BIN" build --public-url http://127.0.0.1:8080 --data-dir "$WORK/data" --out "$G")
  printf "round %d  hugo    %7.2f s  peak RSS %5d MB (heap %5d MB)  %6d html files\n" "$r" "$hw" "$hm" "$ha" "$(count "$H")"
  printf "round %d  gazette %7.2f s  peak RSS %5d MB (heap %5d MB)  %6d html files (%d files in all)\n" "$r" "$gw" "$gm" "$ga" \
    "$(count "$G")" "$(find "$G" -type f | wc -l)"
  python3 -c "print(f'round $r  gazette/hugo: speed {$hw/$gw:.2f}x, peak RSS {$gm/$hm:.2f}, heap {$ga/$ha:.2f}')"
done
rm -rf "$WORK"/bench-out-*
