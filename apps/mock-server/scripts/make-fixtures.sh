#!/usr/bin/env bash
# Regenerates the fragments the mock builds its "generated videos" from (src/state/result-video.ts):
# per aspect ratio one second of H.264 video, and one second of AAC-LC audio, each a fragmented MP4
# (ftyp + moov with mvex, then one moof + mdat). See fixtures/README.md.
# Requires ffmpeg with libx264 and the DejaVu fonts (Debian: apt-get install -y ffmpeg fonts-dejavu-core).
# Usage: bash apps/mock-server/scripts/make-fixtures.sh   (OUT_DIR=... to write elsewhere)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT_DIR="${OUT_DIR:-$SCRIPT_DIR/../fixtures}"
FONT="${FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf}"

mkdir -p "$OUT_DIR"
[[ -f "$FONT" ]] || { echo "font not found: $FONT (apt-get install -y fonts-dejavu-core, or set FONT=...)" >&2; exit 1; }

# No metadata, no encoder version strings: the same ffmpeg build gives byte-identical files.
BITEXACT=(-map_metadata -1 -fflags +bitexact -flags +bitexact)
# One fragment: an init segment (ftyp + moov with mvex, empty sample tables), then moof + mdat whose
# data offsets count from the moof (default-base-is-moof).
FRAGMENTED=(-movflags +frag_keyframe+empty_moov+default_base_moof -f mp4)

# make_video NAME WIDTH HEIGHT RATIO: 1 s, 24 fps, one closed GOP (an IDR then 23 P frames, no B
# frames so decode order is display order), no SEI (x264's settings banner would repeat every second).
make_video() {
  local name="$1" width="$2" height="$3" ratio="$4" out="$OUT_DIR/kling-$1.mp4"
  local vf
  vf="drawbox=x=0:y=0:w=iw:h=56:color=black@0.6:t=fill"
  vf+=",drawtext=fontfile=${FONT}:text='kling-kit mock':fontsize=28:fontcolor=white:x=(w-text_w)/2:y=14"
  vf+=",drawbox=x=0:y=ih-56:w=iw:h=56:color=black@0.6:t=fill"
  vf+=",drawtext=fontfile=${FONT}:text='${ratio/:/\\:} · ${width}×${height}':fontsize=26:fontcolor=yellow:x=(w-text_w)/2:y=h-42"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc=size=${width}x${height}:rate=24:duration=1" \
    -vf "$vf" -an \
    -c:v libx264 -profile:v main -preset veryslow -crf 32 -pix_fmt yuv420p \
    -bf 0 -g 24 -keyint_min 24 -sc_threshold 0 \
    -bsf:v filter_units=remove_types=6 \
    "${BITEXACT[@]}" "${FRAGMENTED[@]}" "$out"
  echo "wrote $out ($(stat -c %s "$out") bytes)"
}

# make_audio: 1 s of a quiet 375 Hz tone (-30 dBFS), AAC-LC, mono, 48 kHz. 375 Hz repeats every
# 128 samples, a divisor of AAC's 1024-sample frame, so every frame codes the same waveform and the
# mock can chain them in any number. The frames are copied from the middle of a 3 s encoding, so
# none of them is the encoder's start-up or final frame.
make_audio() {
  local out="$OUT_DIR/kling-audio.mp4" tmp
  tmp="$(mktemp --suffix .m4a)"
  trap 'rm -f "$tmp"' RETURN
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "sine=frequency=375:sample_rate=48000:duration=3" \
    -af "volume=0.25" -vn \
    -c:a aac -profile:a aac_low -b:a 24k -ac 1 \
    "${BITEXACT[@]}" -f mp4 "$tmp"
  ffmpeg -hide_banner -loglevel error -y \
    -ss 1 -t 1 -i "$tmp" -vn -c:a copy \
    "${BITEXACT[@]}" "${FRAGMENTED[@]}" "$out"
  echo "wrote $out ($(stat -c %s "$out") bytes)"
}

make_video 16x9 640 360 16:9
make_video 9x16 360 640 9:16
make_video 1x1 480 480 1:1
make_audio
