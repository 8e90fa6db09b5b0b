#!/usr/bin/env bash
# run-nightly.sh [DATE]: the nightly job for cron. Checks yesterday's batch for drift first,
# then scores it. On drift it does not score with the old model: it retrains a candidate from
# the new data and asks the promotion policy to make it the champion; the policy decides.
# Prints NOTHING on success (cron mails any output); on a finding or failure it prints what
# happened and what to do, and exits with mlo's code:
#   0  no drift, scores written                                           (silent)
#   0  drift, candidate retrained and promoted by the policy, batch scored (mail: FYI)
#   8  drift found, no new training data: report written, batch not scored (mail)
#   9  drift found, candidate retrained, promotion refused by the policy's gates, typically
#      awaiting a person's approval (mail: the approve/promote commands to run)
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
      > "$OUT/retrain.json" 2>>"$LOG" || failed "retrain $REF" $?
    candidate=$(sed -n 's/^  "ref": "\(.*\)",*$/\1/p' "$OUT/retrain.json")
    [ -n "$candidate" ] || failed "retrain $REF (no candidate in $OUT/retrain.json)" 1
    say "  retrained candidate $candidate from $NEW_DATA ($OUT/retrain.json)."
    "$MLO" -q promote "$candidate" --to "$ALIAS" --reason "nightly $DATE: drift, retrained" \
      >>"$LOG" 2>&1
    rc=$?
    case $rc in
      0)
        say "  the policy promoted $candidate to $ALIAS; scoring the batch with it."
        "$MLO" -q score-batch "$REF" --input "$BATCH" --output "$OUT/scores.csv.gz" 2>>"$LOG" ||
          failed "score-batch $REF" $?
        exit 0 ;;
      9)
        say "  promotion refused by the policy's gates ($ALIAS unchanged):"
        sed -n 's/^mlo: error: /    /p' "$LOG"
        say "  review it (mlo show $candidate, mlo diff $REF $candidate), then:"
        say "    mlo approve $candidate && mlo promote $candidate --to $ALIAS"
        exit 9 ;;
      *) failed "promote $candidate" $rc ;;
    esac
    ;;
  *) failed "drift $REF" $rc ;;
esac
