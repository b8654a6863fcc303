#!/usr/bin/env bash
# Make the demo's photographs (assets/demo/photos/*.jpg) from Debian's
# lomiri-wallpapers packages: free photographs (CC0, CC BY, CC BY-SA; each
# file's licence and author in assets/demo/photos/CREDITS.md, from the
# packages' debian/copyright). Resized to 1200 px wide and re-encoded so the
# binary carries them in under 3 MB. Needs apt-get download, dpkg-deb and
# vipsthumbnail (libvips-tools). Run once; the output is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=target/demo-photos
mkdir -p "$work" assets/demo/photos
(cd "$work" && for p in lomiri-wallpapers-16.04 lomiri-wallpapers-20.04; do
  ls "$p"_*.deb >/dev/null 2>&1 || apt-get download "$p"
  mkdir -p "x/$p" && dpkg-deb -x "$p"_*.deb "x/$p"
done)
src16="$work/x/lomiri-wallpapers-16.04/usr/share/backgrounds"
src20="$work/x/lomiri-wallpapers-20.04/usr/share/backgrounds"
while read -r name file; do
  [ -n "$name" ] || continue
  in="$src16/$file"; [ -f "$in" ] || in="$src20/$file"
  vipsthumbnail "$in" -s 1200x1200 -o "$PWD/assets/demo/photos/$name.jpg[Q=72,strip,optimize_coding]"
  echo "$name.jpg $(stat -c %s "assets/demo/photos/$name.jpg") bytes"
done <<'LIST'
bridge Bridge_by_Sander_Klootwijk.jpg
dragonfly Dragonfly_by_Bolly.jpg
fig Picture_0B_by_freespace.jpg
brushes Picture_1A_by_freespace.jpg
drum Wine_by_Jakkub_Mede.jpg
autumn aitzgorri_by_Aitzol_Berasategi.jpg
bird free_by_Peter_Nerlich.jpg
dogs friends_by_Aitzol_Berasategi.jpg
clock greentock_by_Peter_Nerlich.jpg
stream life_by_Aitzol_Berasategi.jpg
trail picosdeeuropa_by_Aitzol_Berasategi.jpg
dandelions seeding_by_Clements_Engelhardt.jpg
sunset sunset_by_Aitzol_Berasategi.jpg
nuthatch Kleiber_by_Lukas_Baubkus.jpg
LIST
# the demo's wordmark and favicon: white 滨州网 on the portal's red (needs fonts-noto-cjk)
t="$work/text"
vips text "$t-logo.png" '<span foreground="white">滨州网</span>' --font "Noto Sans CJK SC Bold 64" --dpi 72 --rgba
w=$(vipsheader -f width "$t-logo.png"); h=$(vipsheader -f height "$t-logo.png")
vips embed "$t-logo.png" "$t-logo-pad.png" 24 12 $((w + 48)) $((h + 24))
vips flatten "$t-logo-pad.png" assets/demo/photos/logo.png --background "180 0 0"
vips text "$t-fav.png" '<span foreground="white">滨</span>' --font "Noto Sans CJK SC Bold 96" --dpi 72 --rgba
vips gravity "$t-fav.png" "$t-fav-pad.png" centre 128 128
vips flatten "$t-fav-pad.png" assets/demo/photos/favicon.png --background "180 0 0"
du -cb assets/demo/photos/*.jpg assets/demo/photos/*.png | tail -1
