#!/usr/bin/env bash
# Installs the system libraries capsim links against (GSL, SQLite) and pkg-config, when missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

packages=(libgsl-dev libsqlite3-dev pkg-config tzdata)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "capsim: installing ${missing[*]}" >&2
"$(dirname "$0")/apt-install.sh" "${missing[@]}"
