#!/usr/bin/env bash
# valgrind memcheck over both samples (an hour of virtual time plus AT traffic): no error,
# nothing definitely lost.
set -euo pipefail
source "$(dirname "$0")/common.bash"
build=$2
command -v valgrind >/dev/null || fail "valgrind is not installed"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
vg=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite)
for app in hello hello_legacy; do
  printf 'AT+HELLO=2\rAT+HELLO\rAT+CREG?\rAT+BAD\r' | "${vg[@]}" "$build/apps/$app/$app" \
    --clock=virtual --flash-dir="$work/$app" --trace=none >/dev/null 2>"$work/log" \
    || { cat "$work/log" >&2; fail "$app (AT session) under valgrind"; }
  "${vg[@]}" "$build/apps/$app/$app" --clock=virtual --at=none --run-for=1h \
    --flash-dir="$work/$app" --trace=none </dev/null >/dev/null 2>"$work/log" \
    || { cat "$work/log" >&2; fail "$app (1 h virtual) under valgrind"; }
done
echo "valgrind: ok"
