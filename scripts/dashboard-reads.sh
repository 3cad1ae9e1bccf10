#!/usr/bin/env bash
# Times the dashboards' heavy reads against a running `hearth serve` over HTTP, one request at a
# time: each query once to warm up, then RUNS times, and prints the median wall time (curl's
# time_total) and whether every answer was free of errors. The figures of BENCHMARKS.md, "The
# priority list and the CE APR" and "At 1M clients".
#
#   HEARTH_URL=http://127.0.0.1:8000/graphql TOKEN=... [ORG=...] scripts/dashboard-reads.sh
#
# TOKEN is a Priority List Manager's (or an ADMIN's) API token; ORG, the organization they act as,
# is needed only when they belong to several.
# FROM / TO bound the reports (default: the year before TO, TO default today); RUNS defaults to 5.
set -euo pipefail

: "${HEARTH_URL:=http://127.0.0.1:8000/graphql}"
: "${TOKEN:?TOKEN: a PLM or ADMIN API token}"
: "${RUNS:=5}"
: "${TO:=$(date -u +%F)}"
: "${FROM:=$(date -u -d "$TO - 1 year + 1 day" +%F)}"

entry='household { id householdType } client { id firstName } assessment { assessmentDate prioritizationStatus } daysWaiting'
declare -a names queries
names+=("priorityList(first: 20)")
queries+=("{ priorityList(first: 20) { nodes { daysWaiting enrollment { id } } } }")
names+=("priorityList(first: 20) with totalCount, household, pendingReferrals")
queries+=("{ priorityList(first: 20) { totalCount nodes { $entry pendingReferrals { id } } } }")
names+=("priorityList(first: 20, householdType: WITHOUT_CHILDREN) with totalCount")
queries+=("{ priorityList(first: 20, householdType: WITHOUT_CHILDREN) { totalCount nodes { $entry } } }")
names+=("ceApr from $FROM to $TO")
queries+=("{ ceApr(from: \"$FROM\", to: \"$TO\") { tables { question rows { label values } } } }")
names+=("referralReport from $FROM to $TO")
queries+=("{ referralReport(from: \"$FROM\", to: \"$TO\") { totals { total successful noResult medianDaysToResult } rows { total } } }")

ask() {
  # The body goes through jq so that the query's quotes are escaped as JSON wants.
  jq -cn --arg q "$1" '{query: $q}' | curl -sS -o "$2" -w '%{time_total}' \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
    ${ORG:+-H "X-Organization-Id: $ORG"} --max-time 120 --data-binary @- "$HEARTH_URL"
}

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
printf '| request | median ms | min ms | max ms | errors |\n|---|---:|---:|---:|---|\n'
for i in "${!queries[@]}"; do
  ask "${queries[$i]}" "$out" >/dev/null
  times=()
  errors=none
  for _ in $(seq "$RUNS"); do
    times+=("$(ask "${queries[$i]}" "$out")")
    if jq -e '.errors' "$out" >/dev/null; then
      errors="$(jq -c '[.errors[].extensions.code] | unique' "$out")"
    fi
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="${names[$i]}" -v errors="$errors" '
    { t[NR] = $1 * 1000 }
    END { printf "| %s | %.0f | %.0f | %.0f | %s |\n", name, t[int((NR + 1) / 2)], t[1], t[NR], errors }'
done
