#!/usr/bin/env bash
# Installs check-jsonschema and kubernetes-validate (from PyPI) into .build/test-tools when
# missing: the schema tests validate every shipped file against schemas/ with the first, and the
# Kubernetes tests validate the shipped and generated manifests against the real Kubernetes
# schema (bundled with kubernetes-validate, no network needed) with the second. A virtual environment of its own keeps
# it apart from the system's Python packages (and from PEP 668's "externally managed" refusal).
# Safe to run again: it does nothing when the tool is there.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.39.0
kubernetes_validate=1.37.0
venv=.build/test-tools
tool="$venv/bin/check-jsonschema"
kube="$venv/bin/kubernetes-validate"
if [ -x "$tool" ] && "$tool" --version 2>/dev/null | grep -q "$version"; then
  if [ -x "$kube" ] && "$kube" --version 2>/dev/null | grep -q "$kubernetes_validate"; then exit 0; fi
  echo "capsim: installing kubernetes-validate $kubernetes_validate into $venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$kubernetes_validate"
  "$kube" --version >/dev/null
  exit 0
fi

# Python with venv and pip (Debian splits them into packages of their own).
if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "capsim: installing python3 python3-venv" >&2
  scripts/apt-install.sh python3 python3-venv
fi

echo "capsim: installing check-jsonschema $version and kubernetes-validate $kubernetes_validate into $venv" >&2
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "check-jsonschema==$version" \
  "kubernetes-validate==$kubernetes_validate"
"$tool" --version >/dev/null
"$kube" --version >/dev/null
