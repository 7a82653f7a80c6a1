#!/usr/bin/env bash
# Installs Node.js (Debian's nodejs package) for the tests that check generated k6 scripts with
# `node --check`, when missing. Safe to run again: it does nothing when node or nodejs is on PATH.
set -euo pipefail

for b in node nodejs; do
  if command -v "$b" >/dev/null; then exit 0; fi
done

echo "capsim: installing nodejs" >&2
"$(dirname "$0")/apt-install.sh" --no-recommends nodejs
command -v node >/dev/null || command -v nodejs >/dev/null
