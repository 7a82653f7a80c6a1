#!/usr/bin/env bash
# Installs headless Chromium (Debian's package) for the report rendering test, when missing.
# Safe to run again: it does nothing when a chromium binary is already on PATH.
set -euo pipefail

for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null; then exit 0; fi
done

echo "capsim: installing chromium" >&2
"$(dirname "$0")/apt-install.sh" --no-recommends chromium
command -v chromium >/dev/null
