#!/usr/bin/env bash
# The CI gate's error rates, measured through the binary: over TRIALS reseeded trials (200 by
# default), how often `capsim check` raises a false alarm on identical code, and how often it
# catches a capacity regression of 10% more CPU per request. Each trial writes its own baseline
# (10 replications, seed 1000 + 2i) and checks two candidates against it with seed 1001 + 2i:
# the same model, and the model with every request class's CPU mean 10% higher. The checks use
# capsim check's defaults (5 replications first, up to 40, alpha 1%, beta 5%, tolerance 5%).
#
#   scripts/gate-error-rates.sh [TRIALS]                    the small model (about 2 minutes)
#   MODEL=freshfoodz-day scripts/gate-error-rates.sh 50     the FreshFoodz platform, one Monday
#
# Needs a release build (make build). Trials run JOBS at a time (default: the cores). Checks
# that did not end as they should are kept in KEEP (default gate-error-rates/).
set -euo pipefail
cd "$(dirname "$0")/.."

trials=${1:-200}
jobs=${JOBS:-$(nproc)}
capsim=${CAPSIM:-.build/release/capsim}
model=${MODEL:-small}
[ -x "$capsim" ] || { echo "no $capsim: run 'make build' first" >&2; exit 1; }

case "$model" in
  small)
    scenario=scripts/gate-model/scenario.yaml
    common=()
    slower=(--set requests.api.cpu.mean=49.5ms --set requests.export.cpu.mean=99ms)
    ;;
  freshfoodz-day)
    scenario=scenarios/platform-normal-week.yaml
    common=(--set calendar.end=2026-03-03)
    slower=(--set requests.list.cpu.mean=44ms --set requests.detail.cpu.mean=27.5ms
            --set requests.update.cpu.mean=66ms --set requests.report.cpu.mean=165ms)
    ;;
  *) echo "MODEL is small or freshfoodz-day, not '$model'" >&2; exit 64 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Checks that did not end as they should (identical code not passing, a regression not
# caught) are kept here, to see which rows held them up.
kept=${KEEP:-gate-error-rates}
rm -rf "$kept"

trial() {
  local i=$1 base=$((1000 + 2 * $1))
  if ! "$capsim" check "$scenario" "${common[@]}" --seed "$base" --replications 10 \
    --write-baseline "$work/baseline-$i.json" --quiet >/dev/null; then
    echo "trial $i: the baseline could not be written" >&2
    return 1
  fi
  local same=0 slow=0 reps_same reps_slow
  "$capsim" check "$scenario" "${common[@]}" --seed $((base + 1)) --baseline "$work/baseline-$i.json" \
    --json "$work/same-$i.json" --quiet >/dev/null || same=$?
  "$capsim" check "$scenario" "${common[@]}" "${slower[@]}" --seed $((base + 1)) \
    --baseline "$work/baseline-$i.json" --json "$work/slow-$i.json" --quiet >/dev/null || slow=$?
  [ "$same" = 0 ] || { mkdir -p "$kept"; cp "$work/same-$i.json" "$kept/identical-trial-$i.json"; }
  [ "$slow" = 1 ] || { mkdir -p "$kept"; cp "$work/slow-$i.json" "$kept/regression-trial-$i.json"; }
  # The scenario's replications: the only key at this depth of the pretty-printed document.
  reps_same=$(grep -m1 '^      "replications" :' "$work/same-$i.json" | tr -dc '0-9')
  reps_slow=$(grep -m1 '^      "replications" :' "$work/slow-$i.json" | tr -dc '0-9')
  echo "$i $same $slow $reps_same $reps_slow"
}
export -f trial
export capsim scenario work kept
export common_list="${common[*]}" slower_list="${slower[*]}"

start=$(date +%s)
seq 0 $((trials - 1)) | xargs -P "$jobs" -I{} bash -c '
  common=($common_list); slower=($slower_list); trial {}' > "$work/results"
seconds=$(($(date +%s) - start))

awk -v trials="$trials" -v model="$model" -v seconds="$seconds" '
  { same[$2]++; slow[$3]++; rs += $4; rr += $5 }
  END {
    printf "capsim check, %s model, %d trials (%d s)\n", model, trials, seconds
    printf "identical code:     %3d pass, %3d fail (false alarms: %.1f%%), %3d undecided; %.1f replications on average\n",
      same[0], same[1], 100 * same[1] / trials, same[2], rs / trials
    printf "10%% more CPU:       %3d fail (detected: %.1f%%), %3d pass, %3d undecided; %.1f replications on average\n",
      slow[1], 100 * slow[1] / trials, slow[0], slow[2], rr / trials
    other = trials * 2 - same[0] - same[1] - same[2] - slow[0] - slow[1] - slow[2]
    if (other > 0) printf "%d checks ended with another status: see capsim check --help\n", other
  }' "$work/results"
[ -d "$kept" ] && echo "checks that did not end as they should are in $kept/"
true
