#!/usr/bin/env bash
# Submits a sharded capsim sweep and its merge to Slurm: N array tasks, then the merge once
# they have all succeeded.
#
#   distributed/slurm/submit.sh 4 scenarios/platform-oktoberfest-2026.yaml \
#     --vary territories.DE.app.instances=4..9 --vary demand.DE.growth=1,1.3 --db sweeps.sqlite
#
# The arguments are those of `capsim sweep`; --db, --format and --report go to the merge,
# which records the points (in --db, else $CAPSIM_DB, else capsim.sqlite in the submit
# folder), writes the sweep's table to capsim-merge-<job>.out and its report to --report,
# else reports/sweep-<array job id>. The parts go to $CAPSIM_PARTS, else parts/<array job id>.
set -euo pipefail  # arrays expanded as ${a[@]+"${a[@]}"}: an empty one is "unbound" to bash before 4.4
here="$(cd "$(dirname "$0")" && pwd)"
shards="${1:?usage: $0 N SCENARIO --vary KEY=VALUES ... [--db PATH] [--format table|json] [--report FOLDER]}"
shift
sweep=()
merge=()
report=""
while [ $# -gt 0 ]; do
  case "$1" in
    --db | --format | --report)
      [ $# -ge 2 ] || { echo "submit.sh: $1 needs a value" >&2; exit 64; }
      if [ "$1" = --report ]; then report="$2"; else merge+=("$1" "$2"); fi
      shift 2 ;;
    --db=* | --format=*) merge+=("$1"); shift ;;
    --report=*) report="${1#--report=}"; shift ;;
    *) sweep+=("$1"); shift ;;
  esac
done
jobid=$(sbatch --parsable --array=0-$((shards - 1)) "$here/sweep.sbatch" ${sweep[@]+"${sweep[@]}"})
jobid="${jobid%%;*}"
# The folder sweep.sbatch writes to: the same rule, so the merge reads where the tasks wrote.
parts="${CAPSIM_PARTS:-parts/$jobid}"
mergeid=$(sbatch --parsable --dependency=afterok:"$jobid" --kill-on-invalid-dep=yes --export=ALL,CAPSIM_PARTS="$parts" \
  "$here/merge.sbatch" ${merge[@]+"${merge[@]}"} --report "${report:-reports/sweep-$jobid}")
echo "submitted sweep array $jobid ($shards tasks) and merge $mergeid; parts in $parts"
