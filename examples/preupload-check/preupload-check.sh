#!/usr/bin/env bash
# preupload-check.sh: check a Clinical One user upload template against the current users
# before uploading it, and refuse to go on while it would create duplicate accounts or
# carries other mistakes.
#
# Usage:
#   preupload-check.sh EXPORT UPLOAD.csv [odmadmin plan flags, e.g. --training --study OID]
#
# EXPORT is the study's current users (an ODM export of any vendor, the Clinical One
# "Update Users" template, or JSON from "odmadmin map --to json"). The script prints the
# plan as text (what each row creates or changes, and why a row is suspicious), writes
# the JSON plan for the record to $PLAN_JSON, or when that is not set to UPLOAD.plan.json
# in a new temporary directory (never into the directory of the upload), and exits:
#   0  no warnings: the upload does what it looks like it does
#   1  warnings: review them (fix the rows, or accept them knowingly) before uploading
#   2  the check could not run
#
# It runs $ODMADMIN if set, else odmadmin from PATH, else "go run" from this repository.
set -uo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
export_file=$1 upload=$2
shift 2

if [ -n "${ODMADMIN:-}" ]; then
  odmadmin=("$ODMADMIN")
elif command -v odmadmin >/dev/null 2>&1; then
  odmadmin=(odmadmin)
else
  odmadmin=(go run "$(cd "$(dirname "$0")/../.." && pwd)/cmd/odmadmin")
fi

if [ -n "${PLAN_JSON:-}" ]; then
  plan_json=$PLAN_JSON
else
  plan_dir=$(mktemp -d "${TMPDIR:-/tmp}/preupload-check.XXXXXX") || exit 2
  base=$(basename "$upload")
  plan_json="$plan_dir/${base%.*}.plan.json"
fi
"${odmadmin[@]}" plan --existing "$export_file" --upload "$upload" --format json -o "$plan_json" "$@"
status=$?
if [ $status -ge 2 ]; then
  echo "preupload-check: the plan could not be made (exit $status)" >&2
  exit 2
fi
"${odmadmin[@]}" plan --existing "$export_file" --upload "$upload" --format text "$@"

case $status in
  0) echo "preupload-check: OK: no warnings; the plan is in $plan_json" ;;
  1) echo "preupload-check: STOP: review the warnings above before uploading; the plan is in $plan_json" >&2 ;;
esac
exit $status
