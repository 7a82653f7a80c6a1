#!/usr/bin/env bash
# Installs Debian packages for the other scripts: scripts/apt-install.sh [--no-recommends] PKG...
# As root, else through sudo (which may ask for a password on a terminal, never elsewhere). The
# package lists are refreshed (apt-get update) at most once an hour however many scripts ask, so
# that `make test` on a fresh machine updates them once, not once per tool; an install that fails
# on lists that were not refreshed refreshes them and tries again. Exit 2 when it cannot install
# (no apt-get, not root and no sudo).
set -euo pipefail

options=()
if [ "${1:-}" = "--no-recommends" ]; then options+=(--no-install-recommends); shift; fi
[ $# -gt 0 ] || { echo "usage: scripts/apt-install.sh [--no-recommends] PKG..." >&2; exit 64; }

command -v apt-get >/dev/null || { echo "capsim: cannot install $*: no apt-get" >&2; exit 2; }
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "capsim: need root (or sudo) to install $*" >&2; exit 2; }
  sudo=(sudo)
  [ -t 0 ] || sudo=(sudo -n)  # no terminal to ask for a password on (a test, CI)
fi
export DEBIAN_FRONTEND=noninteractive
stamp="${TMPDIR:-/tmp}/capsim-apt-lists-updated"
update() { "${sudo[@]}" apt-get update -qq && touch "$stamp"; }
install() { "${sudo[@]}" apt-get install -y -qq "${options[@]}" "$@" >/dev/null; }
if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
  update
  install "$@"
else
  install "$@" 2>/dev/null || { update && install "$@"; }
fi
