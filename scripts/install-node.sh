#!/usr/bin/env bash
# Installs Node.js (Debian's nodejs package) for the tests that check generated k6 scripts with
# `node --check`, when missing. Safe to run again: it does nothing when node or nodejs is on PATH.
set -euo pipefail

for b in node nodejs; do
  if command -v "$b" >/dev/null; then exit 0; fi
done

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "capsim: need root (or sudo) to install nodejs" >&2; exit 1; }
  sudo="sudo"
fi
echo "capsim: installing nodejs" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends nodejs >/dev/null
command -v node >/dev/null || command -v nodejs >/dev/null
