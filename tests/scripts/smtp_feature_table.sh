#!/usr/bin/env bash
# docs/smtp.md's feature table against the test suites: every row whose oatemu column says
# "yes" names at least one test, and every test named there (Suite.Test) is registered with
# ctest, so the ctest run that includes this check runs them all (a renamed or deleted test
# fails here instead of leaving a row without proof).
set -euo pipefail
source "$(dirname "$0")/common.bash"
src=$1 build=$2
doc=$src/docs/smtp.md
[ -f "$doc" ] || fail "no $doc"
# The registered names come from the suites' executables (--gtest_list_tests, what
# gtest_discover_tests registers), not from `ctest -N`: ctest -N reads the build tree's
# CTestTestfile.cmake and the per-suite *_include.cmake files, which a CMake re-run (e.g. a
# `cmake --build` of another check started during the parallel ctest) rewrites in place; a
# listing taken then lacked whole suites ("names SmtpModern..., which ctest does not know").
registered=$(find "$build/tests" "$build/examples" -maxdepth 2 -name '*_test' -type f -perm -u+x \
               -exec {} --gtest_list_tests \; |
             awk '/^[^ ]/ { suite = $1; next } /^  [^ ]/ { print suite $1 }')
[ -n "$registered" ] || fail "no GoogleTest executable under $build/tests"
rows=0 named=0
while IFS= read -r row; do
  # | feature | curl | msmtp | lwIP | ip_app_smtp | oatemu | proved by |
  oatemu=$(printf '%s' "$row" | awk -F'|' '{gsub(/^ +| +$/, "", $7); print $7}')
  proof=$(printf '%s' "$row" | awk -F'|' '{print $8}')
  [ "$oatemu" = yes ] || continue
  rows=$((rows + 1))
  tests=$(printf '%s' "$proof" | grep -oE '\b[A-Z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9_]*\b' || true)
  [ -n "$tests" ] || fail "docs/smtp.md row without a test: $row"
  for t in $tests; do
    named=$((named + 1))
    grep -qxF "$t" <<<"$registered" || fail "docs/smtp.md names $t, which ctest does not know"
  done
done < <(grep -E '^\| [^-|][^|]*\|' "$doc" | grep -vE '^\| (feature|server) ')
[ "$rows" -ge 40 ] || fail "only $rows rows say yes: the table was not read"
echo "docs/smtp.md: $rows rows say yes, $named test names, all registered"
