#!/usr/bin/env bash
# Installs headless Chromium (Debian's package) for the report rendering test, when missing.
# Safe to run again: it does nothing when a chromium binary is already on PATH.
set -euo pipefail

for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null; then exit 0; fi
done

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "capsim: need root (or sudo) to install chromium" >&2; exit 1; }
  sudo="sudo"
fi
echo "capsim: installing chromium" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null
