#!/usr/bin/env bash
# What the tests need from Debian's packages, installed when missing (run by `npm test`; needs root or sudo):
#   chromium  drives the UI end-to-end tests through playwright-core (no test tool ever downloads a browser)
#   strace    records every connection and write of the offline-guarantee tests
#   time      GNU time, the peak memory of the bad-file run
#   libheif-examples  heif-enc and heif-info, which write and inspect the phone-like HEIC test library
#             (scripts/heic-library)
#   ffmpeg    ffmpeg and ffprobe (LGPL/GPL, found on the machine, never shipped): the portable video decoder
#             (app/video/ffmpeg.ts) and the tests' generated clips with scenes at known times
set -euo pipefail
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
[ -x /usr/bin/strace ] || packages+=(strace)
[ -x /usr/bin/time ] || packages+=(time)
command -v heif-enc >/dev/null 2>&1 || packages+=(libheif-examples)
{ command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; } || packages+=(ffmpeg)
[ ${#packages[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need: ${packages[*]} (Debian package names). Install them with your package manager." >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "Installing ${packages[*]} needs root: run as root or install sudo." >&2; exit 1; }
  sudo=(sudo)
fi
echo "installing the test prerequisites from Debian: ${packages[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null
