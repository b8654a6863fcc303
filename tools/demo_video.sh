#!/usr/bin/env bash
# Makes the demo's two video clips and their posters (assets/demo/video/):
# ffmpeg's own test patterns and tone under Chinese title cards, so the demo
# ships videos nobody else holds rights to. 8 s each, 854x480, H.264/AAC,
# under 1 MB together. Needs ffmpeg and fonts-noto-cjk. The committed files
# are what the demo loads; run this only to make them again.
set -euo pipefail
cd "$(dirname "$0")/.."
font=/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
dir=assets/demo/video
mkdir -p "$dir"

clip() { # name, pattern, title, subtitle, tone
  local name=$1 pattern=$2 title=$3 sub=$4 tone=$5
  local t="drawtext=fontfile=$font:text='$title':fontsize=60:fontcolor=white:box=1:boxcolor=0x1a55a8cc:boxborderw=18:x=(w-text_w)/2:y=h/2-90"
  local s="drawtext=fontfile=$font:text='$sub':fontsize=28:fontcolor=white:box=1:boxcolor=0x000000aa:boxborderw=10:x=(w-text_w)/2:y=h/2+20"
  local c="drawtext=fontfile=$font:text='%{pts\\:hms}':fontsize=24:fontcolor=yellow:x=20:y=h-44"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "$pattern=size=854x480:rate=25:duration=8" \
    -f lavfi -i "sine=frequency=$tone:sample_rate=44100:duration=8,volume=0.15" \
    -vf "$t,$s,$c" \
    -c:v libx264 -preset slow -crf 32 -pix_fmt yuv420p -profile:v high \
    -c:a aac -b:a 48k -ac 1 -movflags +faststart \
    "$dir/$name.mp4"
  # the poster (题图): the title card at 2 s
  ffmpeg -hide_banner -loglevel error -y -ss 2 -i "$dir/$name.mp4" -frames:v 1 -q:v 4 "$dir/$name.jpg"
}
clip binzhou testsrc2 '视听滨州' 'Gazette 演示视频 · 黄河岸边的城市' 440
clip wetland smptehdbars '黄河口湿地' 'Gazette 演示视频 · 候鸟归来' 330
ls -l "$dir"
