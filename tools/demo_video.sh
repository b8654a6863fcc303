#!/usr/bin/env bash
# Makes the demo's video clip (assets/demo/video/binzhou.mp4): ffmpeg's own
# test pattern and tone under a Chinese title card, so the demo ships a
# video nobody else holds rights to. 10 s, 854x480, H.264/AAC, under 1 MB.
# Needs ffmpeg and fonts-noto-cjk. The committed file is what the demo
# loads; run this only to make it again.
set -euo pipefail
cd "$(dirname "$0")/.."
font=/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
out=assets/demo/video/binzhou.mp4
title="drawtext=fontfile=$font:text='视听滨州':fontsize=64:fontcolor=white:box=1:boxcolor=0x1a55a8cc:boxborderw=18:x=(w-text_w)/2:y=h/2-90"
sub="drawtext=fontfile=$font:text='Gazette 演示视频 · 黄河岸边的城市':fontsize=30:fontcolor=white:box=1:boxcolor=0x000000aa:boxborderw=10:x=(w-text_w)/2:y=h/2+20"
clock="drawtext=fontfile=$font:text='%{pts\\:hms}':fontsize=24:fontcolor=yellow:x=20:y=h-44"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=854x480:rate=25:duration=10" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=10,volume=0.2" \
  -vf "$title,$sub,$clock" \
  -c:v libx264 -preset slow -crf 30 -pix_fmt yuv420p -profile:v high \
  -c:a aac -b:a 64k -ac 1 -movflags +faststart -metadata title="视听滨州 演示视频" \
  "$out"
ls -l "$out"
