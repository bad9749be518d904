#!/usr/bin/env bash
# Applications as deployed on modules, built unmodified: the vendor's CREG poll runs 24
# emulated hours with one poll chain and one bearer start; a start-up waiting on OK to
# AT+WHCNF=0,0 then reading AT+WIMEI? goes on; a loop resending an unknown command ends at
# --run-for and is named in a trace.
set -euo pipefail
source "$(dirname "$0")/common.bash"
src=$1 build=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
apps=$src/tests/scripts/startup_apps
for app in creg_poll whcnf_wimei resend_loop; do
  OATEMU_BUILD_DIR=$build "$src/scripts/oatemu-build" "$apps/$app" -o "$work/$app" >/dev/null
done
run() { local exe=$1; shift; timeout 120 "$work/$exe" --clock=virtual --at=none --flash-dir="$work/f-$exe" "$@" 2>&1; }

out=$(run creg_poll --run-for=24h --trace=1)
expect_in "$out" "creg: hour 24 polls " "the CREG poll runs 24 emulated hours"
polls=$(printf '%s\n' "$out" | sed -n 's/.*creg: hour 24 polls \([0-9]*\) .*/\1/p')
[ "$polls" -ge 43000 ] && [ "$polls" -le 43201 ] || fail "one poll chain: $polls polls in 24 h (2 s period)"
[ "$(printf '%s\n' "$out" | grep -c 'creg: bearer start')" -eq 1 ] || fail "the bearer starts once"
! printf '%s\n' "$out" | grep -q 'creg: ASSERT' || fail "the application's own assertion fired"
! printf '%s\n' "$out" | grep -q 'creg: bearer stop' || fail "the bearer was stopped"

out=$(run whcnf_wimei --run-for=10s --trace=1)
expect_in "$out" "app: keypad off after 1 tries" "AT+WHCNF=0,0 answers OK"
expect_in "$out" "app: client id 354009001234569" "AT+WIMEI? gives the IMEI"
expect_in "$out" "app: started" "the application goes on"

out=$(run resend_loop --run-for=5s --trace=1) || fail "the resend loop did not end at --run-for (rc $?)"
expect_in "$out" "modem: unknown command AT+NOPE: ERROR" "the unknown command is named"
out=$(run resend_loop --run-for=61s --trace=1 --modem-latency=900us | grep -v 'unknown command') ||
  fail "the fast resend loop did not end at --run-for"
expect_in "$out" "AT command AT+NOPE repeated 1001 times" "the loop is named in a trace"
echo "startup apps: ok"
