#!/usr/bin/env bash
# The AT port on a pseudo-terminal, as a user attaches picocom to it: AT+HELLO=3 reaches the
# application's handler with its parameter, AT+CREG? and AT+CPIN? are answered by the modem
# model, an unknown command gives ERROR.
set -euo pipefail
source "$(dirname "$0")/common.bash"
build=$2
work=$(mktemp -d)
pid=''
cleanup() { [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true; rm -rf "$work"; }
trap cleanup EXIT
"$build/apps/hello/hello" --at=pty --flash-dir="$work/f" --trace=1 >"$work/log" 2>&1 &
pid=$!
for ((i = 0; i < 200; i++)); do
  grep -q 'AT port on /dev/' "$work/log" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
pty=$(grep -oE 'AT port on /dev/[^:]+' "$work/log" | head -1 | cut -d' ' -f4)
[ -n "$pty" ] || { cat "$work/log" >&2; fail "no pty announced"; }
out=$(/usr/bin/python3 - "$pty" <<'PY'
import os, sys, select, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
got = b""
def ask(line, until):
    global got
    os.write(fd, line.encode() + b"\r")
    end = time.monotonic() + 10
    while until.encode() not in got and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            got += os.read(fd, 4096)
ask("AT+HELLO=3", "+HELLO: 3/3")
ask("AT+CREG?", "+CREG:")
ask("AT+CPIN?", "+CPIN:")
ask("AT+NOSUCH", "ERROR")
print(got.decode(errors="replace"))
PY
)
expect_in "$out" "+HELLO: 3/3" "AT+HELLO=3 on the pty reaches the handler with its parameter"
expect_in "$out" "+CREG: " "AT+CREG? on the pty is answered by the modem model"
expect_in "$out" "+CPIN: READY" "AT+CPIN? on the pty is answered by the modem model"
expect_in "$out" "ERROR" "an unknown command on the pty gives ERROR"
echo "pty_at: ok"
