#!/usr/bin/env bash
# Picture variants: gazette (`media::variants::make`, one process, THREADS
# worker threads) vs libvips' vipsthumbnail (one process per output, THREADS
# at a time through xargs -P) making the same outputs from N camera-size
# photos (4000x3000 JPEG, q90), side by side in one run (ROUNDS times each,
# alternating which goes first): wall time, images/s, peak RSS, output bytes.
#
#   bench/variants.sh [N] [ROUNDS]      (default 100 1; THREADS=2)
#
# Needs libvips-tools (vips, vipsthumbnail) and /usr/bin/time (Debian `time`);
# installs nothing. The photos are the 15 of Debian's lomiri-wallpapers-16.04
# (`apt-get download`, unpacked with dpkg-deb into target/bench/photos), each
# cut to 4000x3000 at a different scale, offset and mirroring, with seeded
# gaussian noise (sensor-like grain), into target/bench/variants/photos
# (made once, deterministic).
#
# The outputs per photo (domain::picture::plan at the default focal point,
# the centre): widths 320, 640, 960, 1600 uncropped; 16x9 at 640 and 1280, 4x3
# at 320 and 640, 1x1 at 640; each as JPEG q82 and WebP q80 (effort 4), i.e.
# 18 files. vipsthumbnail makes each with its own process
# (`-s Wx` / `-s WxH -m centre`, `[Q=82,strip]` / `[Q=80,strip]`); gazette
# writes its 18 files per photo too (into target/bench/variants/out/).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
ROUNDS=${2:-1}
THREADS=${THREADS:-2}
for t in vips vipsthumbnail vipsheader; do
  command -v $t > /dev/null || { echo "needs $t (apt install libvips-tools)"; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt install time)"; exit 1; }
ROOT=$PWD/target/bench/variants
PHOTOS=$PWD/target/bench/photos
IN=$ROOT/photos-$N
OUT=$ROOT/out
mkdir -p "$ROOT" "$PHOTOS"

# -- the photos
if ! compgen -G "$PHOTOS/usr/share/backgrounds/*.jpg" > /dev/null; then
  (cd "$PHOTOS" && apt-get download -q lomiri-wallpapers-16.04 > /dev/null 2>&1)
  dpkg-deb -x "$PHOTOS"/lomiri-wallpapers-16.04_*.deb "$PHOTOS"
fi
mapfile -t SRC < <(ls "$PHOTOS"/usr/share/backgrounds/*.jpg | sort)
mkdir -p "$ROOT/photos"
TMP=$(mktemp -d "$ROOT/tmp.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
made=0
for i in $(seq 0 $((N - 1))); do
  f=$ROOT/photos/photo-$(printf %03d "$i").jpg
  [[ -s $f ]] && continue
  s=${SRC[i % ${#SRC[@]}]} k=$((i / ${#SRC[@]}))
  # cover a frame 4% larger per round, cut 4000x3000 out of it at an offset
  W=$((4000 + 160 * k)) H=$((3000 + 120 * k))
  vips thumbnail "$s" "$TMP/a.v" "$W" --height "$H" --crop centre
  vips extract_area "$TMP/a.v" "$TMP/b.v" $((k * 97 % (W - 3999))) $((k * 61 % (H - 2999))) 4000 3000
  if ((k % 2)); then vips flip "$TMP/b.v" "$TMP/c.v" horizontal; else mv "$TMP/b.v" "$TMP/c.v"; fi
  vips gaussnoise "$TMP/n.v" 4000 3000 --mean 0 --sigma 2.5 --seed "$i"
  vips add "$TMP/c.v" "$TMP/n.v" "$TMP/d.v"
  vips cast "$TMP/d.v" "$TMP/e.v" uchar
  vips jpegsave "$TMP/e.v" "$f" --Q 90
  rm -f "$TMP"/*.v
  made=$((made + 1))
done
rm -rf "$IN" && mkdir -p "$IN"
for i in $(seq 0 $((N - 1))); do ln -s "../photos/photo-$(printf %03d "$i").jpg" "$IN/"; done
((made)) && echo "made $made photos"

# -- gazette's bench binary (release)
cargo bench --bench variants --no-run > "$ROOT/build.log" 2>&1 || { tail -20 "$ROOT/build.log"; exit 1; }
BENCH=$(grep -o 'target/release/deps/variants-[0-9a-f]*' "$ROOT/build.log" | tail -1)
[[ -x $BENCH ]] || { echo "cannot find the variants bench binary"; exit 1; }

# vipsthumbnail's jobs: 18 per photo, photo by photo
JOBS=$ROOT/vips-jobs.txt
: > "$JOBS"
for f in "$IN"/*.jpg; do
  b=$(basename "$f" .jpg)
  for W in 320 640 960 1600; do
    for e in "jpg[Q=82,strip]" "webp[Q=80,strip]"; do
      echo "$f -s ${W}x -o $OUT/vips/$b/${b}_$W.$e" >> "$JOBS"
    done
  done
  for c in 16x9:640:360 16x9:1280:720 4x3:320:240 4x3:640:480 1x1:640:640; do
    IFS=: read -r r W H <<< "$c"
    for e in "jpg[Q=82,strip]" "webp[Q=80,strip]"; do
      echo "$f -s ${W}x$H -m centre -o $OUT/vips/$b/${b}_${r}_$W.$e" >> "$JOBS"
    done
  done
done

# The largest sum of the RSS of vipsthumbnail processes alive at once
# (xargs's children), sampled every 10 ms, in kB: vips runs THREADS at a time.
sample_children_rss() {
  python3 - "$1" << 'EOF'
import os, sys, time
top = int(sys.argv[1])
def kids(pid):
    out = []
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out
def rss(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
peak = 0
while alive(top):
    total = sum(rss(g) for x in kids(top) for g in kids(x))
    peak = max(peak, total)
    time.sleep(0.01)
print(peak)
EOF
}

now() { date +%s.%N; }
field() { grep "$1" "$2" | awk -F': ' '{print $2}'; }
bytes() { find "$1" -type f -name "*.$2" -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }
count() { find "$1" -type f | wc -l; }

run_gazette() {
  rm -rf "$OUT/gazette" && mkdir -p "$OUT/gazette" && sync
  local t0 t1
  t0=$(now)
  /usr/bin/time -v -o "$ROOT/time-gazette.txt" "$BENCH" "$IN" "$THREADS" "$OUT/gazette" > "$ROOT/gazette.txt"
  t1=$(now)
  G_WALL=$(echo "$t1 - $t0" | bc -l)
  G_RSS=$(field 'Maximum resident' "$ROOT/time-gazette.txt")
  G_FILES=$(count "$OUT/gazette")
  G_JPG=$(bytes "$OUT/gazette" jpg) G_WEBP=$(bytes "$OUT/gazette" webp)
  G_CPU=$(echo "$(field 'User time' "$ROOT/time-gazette.txt") + $(field 'System time' "$ROOT/time-gazette.txt")" | bc -l)
}

run_vips() {
  rm -rf "$OUT/vips" && mkdir -p "$OUT/vips" && sync
  for f in "$IN"/*.jpg; do mkdir -p "$OUT/vips/$(basename "$f" .jpg)"; done
  local t0 t1 pid
  t0=$(now)
  /usr/bin/time -v -o "$ROOT/time-vips.txt" xargs -P "$THREADS" -L 1 vipsthumbnail < "$JOBS" &
  pid=$!
  V_SUM=$(sample_children_rss "$pid")
  wait "$pid"
  t1=$(now)
  V_WALL=$(echo "$t1 - $t0" | bc -l)
  V_RSS=$(field 'Maximum resident' "$ROOT/time-vips.txt")
  V_FILES=$(count "$OUT/vips")
  V_JPG=$(bytes "$OUT/vips" jpg) V_WEBP=$(bytes "$OUT/vips" webp)
  V_CPU=$(echo "$(field 'User time' "$ROOT/time-vips.txt") + $(field 'System time' "$ROOT/time-vips.txt")" | bc -l)
}

echo "== $(nproc) cores; $N photos 4000x3000 q90 ($(du -sh -L "$IN" | cut -f1)); $THREADS at a time; $(vips --version); gazette $(git rev-parse --short HEAD)"
for r in $(seq "$ROUNDS"); do
  load0=$(cut -d' ' -f1 /proc/loadavg)
  if ((r % 2)); then run_gazette; run_vips; else run_vips; run_gazette; fi
  echo "round $r: load average $load0 before, $(cut -d' ' -f1 /proc/loadavg) after (1 min)"
  sed 's/^/  /' "$ROOT/gazette.txt"
  awk -v r="$r" -v n="$N" -v gw="$G_WALL" -v gr="$G_RSS" -v gf="$G_FILES" -v gj="$G_JPG" -v gx="$G_WEBP" -v gc="$G_CPU" \
    -v vw="$V_WALL" -v vr="$V_RSS" -v vs="$V_SUM" -v vf="$V_FILES" -v vj="$V_JPG" -v vx="$V_WEBP" -v vc="$V_CPU" 'BEGIN {
    printf "round %d           %8s %9s %8s %22s %9s %9s %6s\n", r, "wall s", "images/s", "cpu s", "peak RSS MB", "jpg MB", "webp MB", "files"
    printf "  gazette         %8.2f %9.2f %8.1f %22.0f %9.2f %9.2f %6d\n", gw, n / gw, gc, gr / 1024, gj / 1e6, gx / 1e6, gf
    printf "  vipsthumbnail   %8.2f %9.2f %8.1f %9.0f (%4.0f at once) %9.2f %9.2f %6d\n", vw, n / vw, vc, vr / 1024, vs / 1024, vj / 1e6, vx / 1e6, vf
    printf "  gazette/vips: speed %.2fx, peak RSS %.2f of vips per process (%.2f of the sampled sum at once), bytes jpg %.2f webp %.2f\n",
      vw / gw, gr / vr, gr / vs, gj / vj, gx / vx
  }'
done
