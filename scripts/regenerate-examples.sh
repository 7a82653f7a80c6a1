#!/usr/bin/env bash
# Regenerates reports/examples from the shipped scenarios with the release build, each text file
# under the command that produced it, the report folders from one database (run ids 1-6 in the
# order below). Takes about 15 minutes alone on the 2-core project machine (the year at request
# level 6 to 8 of them; 26 beside another long job). bench.txt and the autoscale-* folders are
# left alone: bench.txt is measured on a quiet machine by hand, a derivation takes up to an hour.
set -euo pipefail
cd "$(dirname "$0")/.."
capsim=.build/release/capsim
[ -x "$capsim" ] || swift build -c release --product capsim
out=reports/examples
db=$(mktemp -d)/examples.sqlite
trap 'rm -rf "$(dirname "$db")"' EXIT
# Every run is recorded there, not in ./capsim.sqlite, and no path shows in the files.
export CAPSIM_DB=$db

run() { # name, then capsim arguments: the command and its output into $out/name
  local name=$1
  shift
  { echo "\$ capsim $*"; "$capsim" "$@" 2>/dev/null || true; } >"$out/$name"
  echo "wrote $out/$name" >&2
}

# Platform runs, recorded in order for the report folders.
for s in platform-christmas-2026 platform-users-x1.5 platform-oktoberfest-2026 platform-oktoberfest-replica-lost \
  platform-christmas-2026-hpa platform-christmas-2026-keda; do
  text="$s.txt"
  [ "$s" = platform-oktoberfest-2026 ] && text=""
  if [ -n "$text" ]; then
    { echo "\$ capsim run scenarios/$s.yaml --quiet"; echo; "$capsim" run "scenarios/$s.yaml" --quiet; } \
      >"$out/$text" || true
    echo "wrote $out/$text" >&2
  else
    "$capsim" run "scenarios/$s.yaml" --quiet >/dev/null
  fi
done
"$capsim" report 1 --out "$out/platform-christmas-2026-report" >/dev/null
"$capsim" report 2 --baseline 1 --out "$out/platform-users-x1.5-vs-christmas" >/dev/null
"$capsim" report 4 --out "$out/platform-oktoberfest-replica-lost-report" >/dev/null
"$capsim" report 4 --baseline 3 --out "$out/platform-oktoberfest-replica-lost-vs-oktoberfest" >/dev/null
"$capsim" report 5 --out "$out/platform-christmas-2026-hpa-report" >/dev/null
"$capsim" report 6 --baseline 5 --out "$out/platform-christmas-2026-keda-vs-hpa" >/dev/null

{ echo "\$ capsim run scenarios/platform-year-2026.yaml --quiet"; echo; "$capsim" run scenarios/platform-year-2026.yaml --quiet; } \
  >"$out/platform-year-2026.txt" || true
{ echo "\$ capsim run scenarios/platform-year-2026.yaml --mode hybrid --quiet"; echo; "$capsim" run scenarios/platform-year-2026.yaml --mode hybrid --quiet; } \
  >"$out/platform-year-2026-hybrid.txt" || true

run web-tier-peak.txt run scenarios/web-tier-peak.yaml
run web-tier-christmas-week.txt run scenarios/web-tier-christmas-week.yaml
"$capsim" run scenarios/web-tier-peak.yaml --format json >"$out/web-tier-peak.json"
run mm4-peak-analyze.txt analyze scenarios/mm4-peak.yaml
run interactive-100-users-analyze.txt analyze scenarios/interactive-100-users.yaml
# The shipped PostgreSQL measurements, calibrated (calibration/README.md).
mkdir -p "$out/calibration"
"$capsim" calibrate calibration/postgres/select-only calibration/postgres/tpcb calibration/postgres/crm \
  calibration/postgres/crm-rate --ablation --report "$out/calibration" >"$out/calibration/calibrate.txt.new"
mv "$out/calibration/calibrate.txt.new" "$out/calibration/calibrate.txt"
mkdir -p "$out/calibration-j2"
"$capsim" calibrate calibration/postgres-j2/select-only calibration/postgres-j2/tpcb calibration/postgres-j2/crm \
  calibration/postgres-j2/crm-rate --ablation >"$out/calibration-j2/calibrate.txt"
echo "examples regenerated in $out" >&2
