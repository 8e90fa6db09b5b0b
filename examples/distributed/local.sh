#!/usr/bin/env bash
# The multi-host commands on one machine: a tracker and N workers as background processes.
# usage: local.sh N recipe.yaml train.csv eval.csv   (store: MLO_STORE or ./.mlo)
set -euo pipefail
N=$1 RECIPE=$2 DATA=$3 EVAL=$4
MLO=${MLO:-mlo}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$(dirname "$0")/split_shards.py" "$DATA" "$N" "$work"
"$MLO" tracker --world "$N" --host-ip 127.0.0.1 --timeout 3600 > "$work/tracker.env" &
tracker=$!
until grep -q '^MLO_TRACKER=' "$work/tracker.env"; do sleep 0.2; done
TRACKER=$(sed -n 's/^MLO_TRACKER=//p' "$work/tracker.env")
pids=()
for ((k = 0; k < N; k++)); do
  "$MLO" train --config "$RECIPE" --data "$work/shard_$k.csv" --eval "$EVAL" \
    --tracker "$TRACKER" --world "$N" --rank "$k" &
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
[ $rc = 0 ] || kill "$tracker" 2>/dev/null || true   # after a failure the tracker never exits
wait "$tracker" || rc=1
exit $rc
