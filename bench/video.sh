#!/usr/bin/env bash
# Video processing: the `video_process` job's work on one 1-minute 1080p
# clip (benches/video.rs: probe, the 1080/720/480 ladder in one ffmpeg run,
# HLS segmenting by copy, four poster frames, the master playlist, every
# file put into a local media store) vs plain ffmpeg running exactly the
# same commands (logged by a wrapper during Gazette's run, then replayed by
# bash): the difference is what Gazette adds. ROUNDS times each,
# alternating which goes first.
#
#   bench/video.sh [ROUNDS]        (default 2; GAZETTE_VIDEO_THREADS as the job's)
#
# Needs ffmpeg. The source (made once into target/bench/video/source.mp4):
# ffmpeg's testsrc2 at 1920x1080, 30 fps, with a tone and noise so the
# encoder has work like camera footage, 60 s, H.264 at ~12 Mbit/s.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
command -v ffmpeg > /dev/null || { echo "needs ffmpeg (apt install ffmpeg)"; exit 1; }
W=target/bench/video
mkdir -p "$W/bin"
W=$(cd "$W" && pwd)
SRC=$W/source.mp4
if [[ ! -f $SRC ]]; then
  echo "making the 1-minute 1080p source ..."
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=1920x1080:rate=30:duration=60,noise=alls=12:allf=t" \
    -f lavfi -i "sine=frequency=440:duration=60" \
    -c:v libx264 -preset veryfast -b:v 12M -pix_fmt yuv420p -c:a aac -b:a 192k "$SRC"
fi
# the wrapper logs each ffmpeg command as a shell line, then runs it
cat > "$W/bin/ffmpeg" <<WRAP
#!/usr/bin/env bash
{ printf '%q ' ffmpeg "\$@"; echo; } >> "$W/commands.sh"
exec $(command -v ffmpeg) "\$@"
WRAP
chmod +x "$W/bin/ffmpeg"
ln -sf "$(command -v ffprobe)" "$W/bin/ffprobe"
cargo bench --bench video --no-run 2>/dev/null >/dev/null || cargo bench --bench video --no-run
BIN=$(ls -t target/release/deps/video-* | grep -v '\.d$' | head -1)

gazette() {
  rm -f "$W/commands.sh"
  GAZETTE_FFMPEG="$W/bin/ffmpeg" "$BIN" "$SRC" "$W" | sed 's/^gazette: \([0-9.]*\) s.*/\1/' > "$W/g.secs"
  cat "$W/g.secs"
}
plain() {
  rm -rf "$W/plain"; mkdir -p "$W/plain"
  sed "s#$W/gazette#$W/plain#g" "$W/commands.sh" > "$W/plain.sh"
  local t0 t1
  t0=$(date +%s.%N); bash "$W/plain.sh" > /dev/null; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
echo "threads: ${GAZETTE_VIDEO_THREADS:-$(nproc)}  source: $(ffprobe -v error -show_entries stream=width,height -of csv=p=0 "$SRC" | head -1), 60 s"
gazette > /dev/null # warm the page cache and log the commands
echo "commands run: $(wc -l < "$W/commands.sh")"
g_all=(); p_all=()
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 )); then g=$(gazette); p=$(plain); else p=$(plain); g=$(gazette); fi
  g_all+=("$g"); p_all+=("$p")
  printf "round %d: gazette %.2f s  plain ffmpeg %.2f s  ratio %.3f\n" "$r" "$g" "$p" "$(echo "$g / $p" | bc -l)"
done
gs=$(printf '%s\n' "${g_all[@]}" | paste -sd+ | bc -l); ps=$(printf '%s\n' "${p_all[@]}" | paste -sd+ | bc -l)
printf "total: gazette %.2f s, plain ffmpeg %.2f s: Gazette adds %.1f%%\n" "$gs" "$ps" "$(echo "($gs / $ps - 1) * 100" | bc -l)"
