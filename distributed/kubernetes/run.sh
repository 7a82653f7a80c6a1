#!/usr/bin/env bash
# Runs the sharded sweep on the current kubectl context: the Indexed Job, then the merge.
#   distributed/kubernetes/run.sh [TIMEOUT]   (default 6h)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kubectl apply -f "$here/sweep-indexed-job.yaml"
kubectl wait --for=condition=complete --timeout="${1:-6h}" job/capsim-sweep
kubectl apply -f "$here/merge-job.yaml"
kubectl wait --for=condition=complete --timeout=1h job/capsim-merge
kubectl logs job/capsim-merge
