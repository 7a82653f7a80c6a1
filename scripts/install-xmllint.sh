#!/usr/bin/env bash
# Installs xmllint (Debian's libxml2-utils) for the test that validates capsim check's JUnit XML
# against its schema, when missing. Safe to run again: it does nothing when xmllint is on PATH.
set -euo pipefail

command -v xmllint >/dev/null && exit 0

echo "capsim: installing libxml2-utils (xmllint)" >&2
"$(dirname "$0")/apt-install.sh" --no-recommends libxml2-utils
command -v xmllint >/dev/null
