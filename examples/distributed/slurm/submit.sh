#!/usr/bin/env bash
# Submits the tracker, then a job array of WORLD workers that starts once the tracker runs.
# Shards: /shared/flights/shard_K.csv (examples/distributed/split_shards.py); the store and
# the tracker's address file live on the shared file system.
set -euo pipefail
WORLD=${WORLD:-4}
export WORLD JOBDIR=${JOBDIR:-/shared/mlo-jobs/flights-$(date +%Y%m%d%H%M%S)}
mkdir -p "$JOBDIR"
tracker=$(sbatch --parsable --export=ALL tracker.sbatch)
sbatch --dependency="after:$tracker" --array="0-$((WORLD - 1))" --export=ALL worker.sbatch
