#!/usr/bin/env bash
# smtp_bench.sh: mails per second through apps/smtp_ssl (the Open AT application on oatemu:
# SMTP client -> loopback bridge -> SSL client, full stack set-up and teardown per mail, as
# the application does) against swaks sending the same 20 KB mail over implicit TLS to the
# same local server; both measured in one run, printed with their ratio.
#   bench/smtp_bench.sh [build dir] [mails]      (defaults: build, 20)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
mails=${2:-20}
size=20000
py=/usr/bin/python3
work=$(mktemp -d)
server_pid='' app_pid=''
cleanup() {
  exec 3>&- 2>/dev/null || true
  for pid in $app_pid $server_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
count() { grep -Ecs -- "$2" "$1" || true; }
wait_count() {   # wait_count <file> <regex> <n>
  while (($(count "$1" "$2") < $3)); do sleep 0.01; done
}
now() { date +%s.%N; }

$py "$src/scripts/smtp_server.py" --make-pki "$work/pki" >/dev/null
$py "$src/scripts/smtp_server.py" --cert "$work/pki/server.pem" --key "$work/pki/server.key" \
  --spool "$work/spool" >"$work/server.log" 2>&1 &
server_pid=$!
wait_count "$work/server.log" 'listening on' 1
port=$(grep -oE '127.0.0.1:[0-9]+' "$work/server.log" | head -1 | cut -d: -f2)
$py "$src/scripts/smtp_server.py" --gen-body $size >"$work/body"

# oatemu: one module run, the mails sent one after the other over its AT port.
mkfifo "$work/at"
"$build/apps/smtp_ssl/smtp_ssl" --at=stdio --clock=virtual --trace=none --flash-dir="$work/flash" \
  --host-map=smtp.example.com:465=127.0.0.1:"$port" <"$work/at" >"$work/at.log" 2>/dev/null &
app_pid=$!
exec 3>"$work/at"
printf 'AT+SMTPCFG="smtp.example.com",465,"","","bench@example.com"\r\nAT+SMTPCA="%s"\r\n' \
  "$work/pki/ca.pem" >&3
printf 'AT+SMTPSENDN="warm@example.com","warm-up",%d\r\n' $size >&3
wait_count "$work/at.log" '^\+SMTPSEND: 0' 1
t0=$(now)
for ((i = 1; i <= mails; i++)); do
  printf 'AT+SMTPSENDN="rcpt@example.com","bench %d",%d\r\n' "$i" $size >&3
  wait_count "$work/at.log" '^\+SMTPSEND: 0' $((i + 1))
done
t1=$(now)
exec 3>&-

# swaks: the same mail, one process per mail, as a host tool sends it.
t2=$(now)
for ((i = 1; i <= mails; i++)); do
  swaks --silent 2 --to rcpt@example.com --from bench@example.com --server 127.0.0.1 \
    --port "$port" --tls-on-connect --header "Subject: bench $i" --body @"$work/body" >/dev/null
done
t3=$(now)
$py - "$t0" "$t1" "$t2" "$t3" "$mails" <<'PY'
import sys
t0, t1, t2, t3, n = map(float, sys.argv[1:])
oat, swk = n / (t1 - t0), n / (t3 - t2)
print(f"smtp 20 KB mails over TLS: oatemu apps/smtp_ssl {oat:.1f} mails/s, swaks {swk:.1f} mails/s, ratio {oat / swk:.2f}")
PY
