#!/usr/bin/env bash
# Every byte the application handed to the AT port is written before the process exits,
# whatever ends the run: --run-for (virtual time reaches the end in ms of host time), end of
# input, adl_errHalt, SIGTERM. tests/apps/ticks sends +TICKS: lines from a 100 ms timer.
set -euo pipefail
source "$(dirname "$0")/common.bash"
build=$2
ticks=$build/tests/apps/ticks/ticks
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkfifo "$work/in"

# run_ticks <mode> <runs> <last line> <exit code> [flags...]: stdin stays open (a fifo opened
# read-write), the mode typed first; checks the last line and the exit code of every run.
run_ticks() {
  local mode=$1 runs=$2 last=$3 code=$4; shift 4
  for ((i = 1; i <= runs; i++)); do
    exec 3<>"$work/in"
    printf 'AT+TICKS=%s\r' "$mode" >&3
    rc=0
    timeout 60 "$ticks" --clock=virtual --at=stdio --trace=1 --flash-dir="$work/flash" "$@" \
        <&3 >"$work/out" 2>"$work/err" || rc=$?
    exec 3<&-
    got=$(tr -d '\r' <"$work/out" | grep -v '^$' | tail -n 1)
    [ "$got" = "$last" ] || { tail -n 3 "$work/err" >&2; fail "mode $mode run $i: last line '$got', '$last' expected"; }
    [ "$rc" = "$code" ] || { tail -n 3 "$work/err" >&2; fail "mode $mode run $i: exit $rc, $code expected"; }
  done
}

run_ticks 0 50 "+TICKS: 36000" 0 --run-for=2h
run_ticks 1 10 "+TICKS: 37000" 0 --run-for=2h
run_ticks 3 10 "+TICKS: 36000" 0 --run-for=2h
run_ticks 2 10 "+TICKS: 36000" 3
[ "$(tr -d '\r' <"$work/out" | grep -c '^+TICKS: ')" = 3501 ] || fail "adl_errHalt: lines of the burst lost"

# End of input: the mode line is the whole input; the hour's line comes before the stop.
out=$(printf 'AT+TICKS=0\r' | timeout 60 "$ticks" --clock=virtual --at=stdio --trace=1 \
      --flash-dir="$work/flash" 2>/dev/null | tr -d '\r' | grep -v '^$' | tail -n 1)
[ "$out" = "OK" ] || fail "end of input: last line '$out', OK expected"

# SIGTERM once the burst and the hour's line are handed over, while stdout (a 4 KB pipe nobody
# reads yet) holds only part of them: the rest is written at the stop, exit 128 + 15.
for ((i = 1; i <= 5; i++)); do
  mkfifo "$work/o$i" "$work/e$i"
  exec 3<>"$work/in" 4<>"$work/o$i"
  python3 -c 'import fcntl, sys; fcntl.fcntl(open(sys.argv[1], "rb+", buffering=0), 1031, 4096)' \
      "$work/o$i"   # F_SETPIPE_SZ: the fifo's pipe lives on in fd 4
  printf 'AT+TICKS=3\r' >&3
  # --foreground: timeout passes the SIGTERM to the module once (by default it also signals
  # its process group, and a second signal ends the module at once, output unwritten).
  timeout --foreground 60 "$ticks" --clock=virtual --at=stdio --trace=1 --flash-dir="$work/flash" \
      <&3 >&4 2>"$work/e$i" &
  pid=$!
  exec 3<&- 4>&-
  { while IFS= read -r line; do
      case $line in *"ticks: sent 36000"*) kill -TERM "$pid"; break ;; esac
    done; cat >/dev/null; } <"$work/e$i" &
  reader=$!
  tr -d '\r' <"$work/o$i" | grep -v '^$' >"$work/out"
  rc=0; wait "$pid" || rc=$?
  wait "$reader"
  [ "$rc" = 143 ] || fail "SIGTERM run $i: exit $rc, 143 expected"
  [ "$(tail -n 1 "$work/out")" = "+TICKS: 36000" ] || fail "SIGTERM run $i: last line '$(tail -n 1 "$work/out")'"
  [ "$(grep -c '^+TICKS: ' "$work/out")" = 3501 ] || fail "SIGTERM run $i: lines of the burst lost"
done
echo "exit output: ok"
