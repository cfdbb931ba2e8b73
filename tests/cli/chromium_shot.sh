#!/usr/bin/env bash
# chromium_shot.sh — renders a local HTML page in headless Chromium (Debian's chromium) and saves a
# screenshot of the window, for the tests that check what a page shows (msc_png_probe reads it).
# usage: chromium_shot.sh PAGE.html OUT.png [WIDTHxHEIGHT]   (default 1280x2400)
# Exit status: chromium's own (124 when it timed out after 120 s; 1 when it wrote no screenshot),
# 2 on usage, 77 (the "skipped" code) when chromium is not installed. $CHROMIUM names another binary.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $(basename "$0") PAGE.html OUT.png [WIDTHxHEIGHT]" >&2
  exit 2
fi
page=$1
out=$2
size=${3:-1280x2400}
if ! [[ $size =~ ^([0-9]+)x([0-9]+)$ ]]; then
  echo "$(basename "$0"): window size '$size' is not WIDTHxHEIGHT" >&2
  exit 2
fi
width=${BASH_REMATCH[1]}
height=${BASH_REMATCH[2]}
if [ ! -r "$page" ]; then
  echo "$(basename "$0"): cannot read '$page'" >&2
  exit 2
fi

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
  for name in chromium chromium-browser; do
    if command -v "$name" >/dev/null 2>&1; then browser=$name; break; fi
  done
fi
if [ -z "$browser" ] || ! command -v "$browser" >/dev/null 2>&1; then
  echo "$(basename "$0"): chromium is not installed (Debian: apt-get install chromium); skipped" >&2
  exit 77
fi

# A file:// URL of the page's absolute path, with the characters a URL would misread escaped.
abs=$(realpath -- "$page")
url=file://
for ((i = 0; i < ${#abs}; i++)); do
  c=${abs:i:1}
  case $c in
    [A-Za-z0-9/._~-]) url+=$c ;;
    *) url+=$(printf '%%%02X' "'$c") ;;
  esac
done
out_dir=$(cd -- "$(dirname -- "$out")" && pwd)
out_abs=$out_dir/$(basename -- "$out")
rm -f -- "$out_abs"

# A private profile and home, so that nothing of the user's browser is read or written.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(--headless --disable-gpu --hide-scrollbars --no-first-run --no-default-browser-check
      --disable-extensions --user-data-dir="$tmp/profile" --window-size="$width,$height"
      --screenshot="$out_abs")
# Chromium refuses to run as root inside its sandbox.
if [ "$(id -u)" -eq 0 ]; then args+=(--no-sandbox); fi

status=0
HOME=$tmp XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache \
  timeout 120 "$browser" "${args[@]}" "$url" >"$tmp/log" 2>&1 || status=$?
if [ "$status" -eq 0 ] && [ ! -s "$out_abs" ]; then
  echo "$(basename "$0"): chromium wrote no screenshot" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  [ "$status" -eq 124 ] && echo "$(basename "$0"): chromium timed out after 120 s" >&2
  echo "$(basename "$0"): chromium failed (status $status); its output:" >&2
  tail -n 30 "$tmp/log" >&2
fi
exit "$status"
