#!/usr/bin/env bash
# Installs xmllint (Debian's libxml2-utils) for the test that validates capsim check's JUnit XML
# against its schema, when missing. Safe to run again: it does nothing when xmllint is on PATH.
set -euo pipefail

command -v xmllint >/dev/null && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "capsim: need root (or sudo) to install libxml2-utils" >&2; exit 1; }
  sudo="sudo"
fi
echo "capsim: installing libxml2-utils (xmllint)" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends libxml2-utils >/dev/null
command -v xmllint >/dev/null
