#!/usr/bin/env bash
# run-nightly.sh [DATE]: the nightly job for cron. Checks yesterday's batch for drift first,
# then scores it; on drift it does not score but retrains a candidate from the new data.
# Prints NOTHING on success (cron mails any output); on a finding or failure it prints what
# happened and what to do, and exits with mlo's code:
#   0  no drift, scores written                          (silent)
#   8  drift found: report written, candidate retrained  (mail: review, then promote)
#   9  drift found, but the retrained candidate was refused (not better than the champion)
#   *  anything else is an error (mlo's exit code, its message in the log)
# Settings come from the environment (see crontab): MLO_STORE, MODEL, ALIAS, BATCH_DIR,
# NEW_DATA_DIR, OUT_DIR; MLO (default: mlo on PATH).
set -uo pipefail
MLO=${MLO:-mlo}
MODEL=${MODEL:?set MODEL}
ALIAS=${ALIAS:-champion}
REF=${REF:-$MODEL@$ALIAS}
DATE=${1:-$(date -d yesterday +%F)}
BATCH=${BATCH_DIR:?set BATCH_DIR}/$DATE.csv.gz
NEW_DATA=${NEW_DATA_DIR:-$BATCH_DIR}/train-$DATE.csv.gz
OUT=${OUT_DIR:?set OUT_DIR}/$DATE
LOG=$OUT/nightly.log

mkdir -p "$OUT" || exit 1
: > "$LOG"
say() { printf '%s\n' "$*"; }
failed() {  # failed WHAT RC: the error and where the log is, keeping mlo's exit code
  say "mlo nightly $DATE: $1 failed (exit $2)"
  sed 's/^/  /' "$LOG"
  exit "$2"
}

# The drift table (stdout) is kept beside the reports, not printed: output means mail.
"$MLO" -q drift "$REF" --current "$BATCH" --report "$OUT/drift.json" --report "$OUT/drift.html" \
  > "$OUT/drift.txt" 2>>"$LOG"
rc=$?
case $rc in
  0)
    "$MLO" -q score-batch "$REF" --input "$BATCH" --output "$OUT/scores.csv.gz" >>"$LOG" 2>&1 ||
      failed "score-batch $REF" $?
    exit 0
    ;;
  8)
    say "mlo nightly $DATE: drift found in $BATCH for $REF; batch NOT scored."
    say "  report: $OUT/drift.html"
    if [ ! -f "$NEW_DATA" ]; then
      say "  no new training data at $NEW_DATA: nothing retrained."
      exit 8
    fi
    "$MLO" -q --json retrain "$REF" --data "$NEW_DATA" --if-drift "$OUT/drift.json" \
      > "$OUT/retrain.json" 2>>"$LOG"
    rc=$?
    case $rc in
      0)
        say "  retrained a candidate from $NEW_DATA ($OUT/retrain.json)."
        say "  review it (mlo show / mlo diff), then: mlo approve <version> && mlo promote <version> --to $ALIAS"
        exit 8 ;;
      9)
        say "  the retrained candidate was refused: it is not better than $REF; $ALIAS unchanged."
        sed 's/^/  /' "$LOG"
        exit 9 ;;
      *) failed "retrain $REF" $rc ;;
    esac
    ;;
  *) failed "drift $REF" $rc ;;
esac
