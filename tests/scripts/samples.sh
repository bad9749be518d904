#!/usr/bin/env bash
# The samples as a user runs them: AT commands on stdio, answered by the application and
# the modem model; a flash counter that survives a restart; both entry styles.
set -euo pipefail
source "$(dirname "$0")/common.bash"
build=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

out=$(run_app "$build/apps/hello/hello" "$work/f" 'AT+HELLO=3\rAT+CREG?\rAT+CPIN?\rAT+NOSUCH\rAT+HELLO?\r')
expect_in "$out" '+HELLO: 3/3' "AT+HELLO=3 reaches the handler"
expect_in "$out" "+CREG: " "AT+CREG? answered by the modem model"
expect_in "$out" "+CPIN: READY" "AT+CPIN? answered by the modem model"
expect_in "$out" "ERROR" "unknown command gives ERROR"
expect_in "$out" "AT+NOSUCH" "the unknown command is named in a trace"
expect_in "$out" "+HELLO: 1,0,3" "first boot counted"

out=$(run_app "$build/apps/hello/hello" "$work/f" 'AT+HELLO?\r')
expect_in "$out" "+HELLO: 2,0,3" "flash objects written in one run are read in the next"

# Counts beyond 1..10 are ERROR, also those past the range of int (wm_atoi is atoi).
out=$(run_app "$build/apps/hello/hello" "$work/r" 'AT+HELLO=4294967297\rAT+HELLO=11\rAT+HELLO=0\rAT+HELLO=99999999999999999999\r')
case "$out" in *"+HELLO: 1/"*) printf '%s\n' "$out" >&2; fail "an out-of-range AT+HELLO greeted" ;; esac
[ "$(printf '%s\n' "$out" | grep -c '^ERROR')" = 4 ] || { printf '%s\n' "$out" >&2; fail "out-of-range AT+HELLO: 4 x ERROR expected"; }

out=$(run_app "$build/apps/hello_legacy/hello_legacy" "$work/l" 'at+hello=2\rAT+HELLO\r')
expect_in "$out" "+HELLO: legacy boot 1" "adl_main style boots and answers"
expect_in "$out" "adl_main, init type 0" "adl_main gets ADL_INIT_POWER_ON"

out=$(printf '' | timeout 60 "${runner[@]}" "$build/apps/hello/hello" --clock=virtual --at=none --run-for=1h \
      --flash-dir="$work/f" --trace=1,2 2>&1)
expect_in "$out" "registration status 1" "SIM FULL_INIT then AT+CREG? polling reaches registration"
expect_in "$out" "heartbeat 3600" "an hour of 1 s heartbeats in virtual time"
echo "samples: ok"
