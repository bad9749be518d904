#!/usr/bin/env bash
# docs/internet.md's feature tables (HTTP, FTP, POP3 sections alike) against the test suites:
# in every table whose header has an "oatemu" and a "proved by" column, each row saying "yes"
# names at least one test (Suite.Test), every test named is registered (a suite executable
# lists it), and all of them pass when run here, per executable with one filter.
set -euo pipefail
source "$(dirname "$0")/common.bash"
src=$1 build=$2
doc=$src/docs/internet.md
[ -f "$doc" ] || fail "no $doc"
# Names from the executables (--gtest_list_tests), as script.smtp_feature_table does.
declare -A exe_of
while IFS= read -r exe; do
  while IFS= read -r t; do exe_of[$t]=$exe; done < <("$exe" --gtest_list_tests |
    awk '/^[^ ]/ { suite = $1; next } /^  [^ ]/ { print suite $1 }')
done < <(find "$build/tests" -maxdepth 2 -name '*_test' -type f -perm -u+x)
((${#exe_of[@]} > 0)) || fail "no GoogleTest executable under $build/tests"
# One line per table row: "<oatemu cell>\t<proved-by cell>\t<row>"; tables without those two
# columns are skipped.
rows_of() {
  awk -F'|' '
    function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
    /^\|/ {
      if (!in_table) { header = $0; in_table = 1; ocol = pcol = 0
        for (i = 2; i < NF; i++) { h = tolower(trim($i)); if (h == "oatemu") ocol = i; if (h == "proved by") pcol = i }
        next }
      if ($0 ~ /^\|[ :|-]+\|$/) next
      if (ocol && pcol) print trim($ocol) "\t" trim($pcol) "\t" $0
      next
    }
    { in_table = 0 }' "$1"
}
rows=0
declare -A wanted
while IFS=$'\t' read -r oatemu proof row; do
  [ "$oatemu" = yes ] || continue
  rows=$((rows + 1))
  tests=$(grep -oE '\b[A-Z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9_]*\b' <<<"$proof" || true)
  [ -n "$tests" ] || fail "docs/internet.md row says yes without a test: $row"
  for t in $tests; do
    [ -n "${exe_of[$t]:-}" ] || fail "docs/internet.md names $t, which no suite has"
    wanted[$t]=1
  done
done < <(rows_of "$doc")
[ "$rows" -ge 10 ] || fail "only $rows rows say yes: the tables were not read"
declare -A filter
for t in "${!wanted[@]}"; do filter[${exe_of[$t]}]+="${filter[${exe_of[$t]}]:+:}$t"; done
for exe in "${!filter[@]}"; do
  out=$(cd "$build" && "$exe" --gtest_filter="${filter[$exe]}" 2>&1) ||
    { printf '%s\n' "$out" | grep -E 'FAILED|Failure' >&2; fail "a test named in docs/internet.md fails ($(basename "$exe"))"; }
done
echo "docs/internet.md: $rows rows say yes, ${#wanted[@]} tests named, all registered and passing"
