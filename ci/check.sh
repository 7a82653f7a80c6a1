#!/usr/bin/env bash
# The CI gate of the shipped FreshFoodz scenarios: capsim check against ci/targets.yaml and the
# committed baseline ci/baseline.json. Writes JUnit XML, a Markdown summary and JSON to
# ci-results/. Exit status as capsim check's: 0 pass, 1 a target or regression failed,
# 2 undecided within the budget.
#
#   ci/check.sh                     the gate (extra arguments go to capsim check)
#   ci/check.sh --write-baseline    measure the baseline again after an intended change
set -euo pipefail
cd "$(dirname "$0")/.."

capsim=${CAPSIM:-.build/release/capsim}
scenarios=(
  scenarios/platform-normal-week.yaml
  scenarios/platform-spargel-2026.yaml
  scenarios/platform-oktoberfest-2026.yaml
  scenarios/platform-christmas-2026.yaml
)

if [ "${1:-}" = "--write-baseline" ]; then
  # Every row, so that the targets file can cover more later without a new baseline; further
  # arguments (--seed, --threads) go to capsim check.
  shift
  exec "$capsim" check "${scenarios[@]}" --replications 10 --write-baseline ci/baseline.json "$@"
fi
for arg in "$@"; do
  if [ "$arg" = "--write-baseline" ]; then
    echo "ci/check.sh: --write-baseline comes first (ci/check.sh --write-baseline [capsim check options])" >&2
    exit 64
  fi
done

mkdir -p ci-results
exec "$capsim" check "${scenarios[@]}" --targets ci/targets.yaml --baseline ci/baseline.json \
  --max-replications 20 --junit ci-results/junit.xml --markdown ci-results/summary.md \
  --json ci-results/check.json "$@"
