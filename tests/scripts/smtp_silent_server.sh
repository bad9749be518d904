#!/usr/bin/env bash
# apps/smtp_ssl against a server that accepts the connection and never answers the TLS
# ClientHello, in real time: the SSL client's handshake timeout (60 s by default) ends the
# mail, and the application answers +SMTPSEND with a negative WIP error instead of waiting
# for its own 10-minute watchdog. The AT port is a FIFO; every wait is bounded polling.
set -euo pipefail
source "$(dirname "$0")/common.bash"
src=$1 build=$2
exe=$build/apps/smtp_ssl/smtp_ssl
work=$(mktemp -d)
server_pid='' app_pid=''
cleanup() {
  exec 3>&- 2>/dev/null || true
  local pid
  for pid in $app_pid $server_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $app_pid $server_pid; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
/usr/bin/python3 "$src/scripts/smtp_server.py" --make-pki "$work/pki"
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print("listening on %d" % s.getsockname()[1], flush=True)
held = []
while True:
    c, _ = s.accept(); held.append(c)     # taken, never read, never answered
' >"$work/server.log" &
server_pid=$!
for ((i = 0; i < 100; i++)); do grep -qs listening "$work/server.log" && break; sleep 0.05; done
port=$(grep -oE '[0-9]+$' "$work/server.log") || fail "the silent server did not start"
mkfifo "$work/at"
"$exe" --at=stdio --clock=real --flash-dir="$work/flash" --trace=1 \
  --host-map=smtp.example.com:465=127.0.0.1:"$port" <"$work/at" >"$work/at.log" 2>"$work/app.log" &
app_pid=$!
exec 3>"$work/at"
printf 'AT+SMTPCFG="smtp.example.com",465,"mailer","s3cret","oatemu@example.com"\r\n' >&3
printf 'AT+SMTPCA="%s"\r\n' "$work/pki/ca.pem" >&3
start=$SECONDS
printf 'AT+SMTPSENDN="rcpt@example.com","to a silent server",1000\r\n' >&3
for ((i = 0; i < 90 * 20; i++)); do
  grep -q '^+SMTPSEND: ' "$work/at.log" && break
  kill -0 "$app_pid" 2>/dev/null || break
  sleep 0.05
done
took=$((SECONDS - start))
result=$(grep -E '^\+SMTPSEND: ' "$work/at.log" | head -1 | tr -d '\r' | cut -d' ' -f2)
[[ -n $result ]] || { tail -20 "$work/app.log" >&2; fail "no +SMTPSEND within 90 s"; }
((result < 0)) || fail "+SMTPSEND: $result, a negative WIP error expected"
expect_in "$(cat "$work/app.log")" "no TLS handshake with smtp.example.com within 60000 ms" \
  "the trace names the handshake timeout"
echo "smtp_silent_server: +SMTPSEND: $result after ${took} s: ok"
