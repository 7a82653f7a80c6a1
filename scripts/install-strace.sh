#!/usr/bin/env bash
# Installs strace for the tests that send a signal at an exact system call (the move of a
# manifest into place, the write of an output file): timing a kill by sleeping cannot hit a
# window of a few milliseconds. Safe to run again: it does nothing when strace is on PATH.
set -euo pipefail

command -v strace >/dev/null && exit 0

echo "capsim: installing strace" >&2
"$(dirname "$0")/apt-install.sh" --no-recommends strace
command -v strace >/dev/null
