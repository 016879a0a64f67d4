#!/usr/bin/env bash
# Regenerates the mock "generated video" fixtures served by @kling-kit/mock-server.
# Requires ffmpeg with libx264 and the DejaVu fonts (Debian: apt-get install -y ffmpeg fonts-dejavu-core).
# Usage: bash apps/mock-server/scripts/make-fixtures.sh
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT_DIR="$SCRIPT_DIR/../fixtures"
FONT="${FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf}"

mkdir -p "$OUT_DIR"
[[ -f "$FONT" ]] || { echo "font not found: $FONT (apt-get install -y fonts-dejavu-core, or set FONT=...)" >&2; exit 1; }

make_one() {
  local secs="$1" out="$OUT_DIR/kling-${1}s.mp4"
  local vf
  vf="drawbox=x=0:y=0:w=iw:h=64:color=black@0.6:t=fill"
  vf+=",drawtext=fontfile=${FONT}:text='kling-kit mock · ${secs} s':fontsize=30:fontcolor=white:x=(w-text_w)/2:y=16"
  vf+=",drawbox=x=0:y=ih-56:w=iw:h=56:color=black@0.6:t=fill"
  vf+=",drawtext=fontfile=${FONT}:text='t = %{pts\\:hms}  frame %{n}':fontsize=26:fontcolor=yellow:x=(w-text_w)/2:y=h-42"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc=size=640x360:rate=24:duration=${secs}" \
    -vf "$vf" \
    -an \
    -c:v libx264 -profile:v main -preset veryslow -crf 30 -pix_fmt yuv420p \
    -g 48 -keyint_min 24 \
    -map_metadata -1 -fflags +bitexact -flags:v +bitexact \
    -movflags +faststart \
    "$out"
  echo "wrote $out ($(stat -c %s "$out") bytes)"
}

make_one 5
make_one 10
