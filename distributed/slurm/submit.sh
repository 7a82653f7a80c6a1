#!/usr/bin/env bash
# Submits a sharded capsim sweep and its merge to Slurm: N array tasks, then the merge once
# they have all succeeded.
#
#   distributed/slurm/submit.sh 4 scenarios/platform-oktoberfest-2026.yaml \
#     --vary territories.DE.app.instances=4..9 --vary demand.DE.growth=1,1.3
#
# The merge writes the sweep's table to capsim-merge-<job>.out, its report to
# reports/sweep-<array job id>, and records the points in $CAPSIM_DB (default capsim.sqlite
# in the submit folder).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shards="${1:?usage: $0 N SCENARIO --vary KEY=VALUES ...}"
shift
jobid=$(sbatch --parsable --array=0-$((shards - 1)) "$here/sweep.sbatch" "$@")
jobid="${jobid%%;*}"
merge=$(sbatch --parsable --dependency=afterok:"$jobid" --kill-on-invalid-dep=yes --export=ALL,CAPSIM_PARTS="parts/$jobid" \
  "$here/merge.sbatch" --report "reports/sweep-$jobid")
echo "submitted sweep array $jobid ($shards tasks) and merge $merge; parts in parts/$jobid"
