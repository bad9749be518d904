#!/usr/bin/env bash
# --pcap end to end: apps/smtp_ssl sends a mail over implicit TLS to scripts/smtp_server.py
# (aiosmtpd) with the capture on; the file is read back with dpkt (pcap_flows.py: the TLS flow
# holds only records, the decrypted flow EHLO, MAIL FROM and the body; handshakes, sequence
# numbers, checksums) and, when tshark is there, Wireshark's own reassembly must show the
# dialogue. Then a capture file that cannot be created stops the start (exit 2, one line).
set -euo pipefail
source "$(dirname "$0")/common.bash"
src=$1 build=$2
py=/usr/bin/python3
exe=$build/apps/smtp_ssl/smtp_ssl
[ -x "$exe" ] || fail "$exe not built"
$py -c 'import aiosmtpd' 2>/dev/null || fail "pcap_capture needs python3-aiosmtpd for /usr/bin/python3"
$py -c 'import dpkt' 2>/dev/null || fail "pcap_capture needs python3-dpkt for /usr/bin/python3"
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

$py "$src/scripts/smtp_server.py" --make-pki "$work/pki"
$py "$src/scripts/smtp_server.py" --cert "$work/pki/server.pem" --key "$work/pki/server.key" \
  --spool "$work/spool" --user mailer --password 's3cret' >"$work/server.log" 2>&1 &
server_pid=$!
wait_for "$work/server.log" "$server_pid" 20 'listening on 127.0.0.1:[0-9]+' ||
  { cat "$work/server.log" >&2; fail "smtp_server.py did not start"; }
port=$(grep -oE 'listening on 127.0.0.1:[0-9]+' "$work/server.log" | cut -d: -f2)

body='The capture shows this body line in clear'
mkfifo "$work/at"
"$exe" --at=stdio --clock=virtual --flash-dir="$work/flash" --trace=1 --pcap="$work/mail.pcap" \
  --host-map=smtp.example.com:465=127.0.0.1:"$port" <"$work/at" >"$work/at.log" 2>"$work/app.log" &
app_pid=$!
exec 3>"$work/at"
printf 'AT+SMTPCFG="smtp.example.com",465,"mailer","s3cret","oatemu@example.com"\r\n' >&3
printf 'AT+SMTPCA="%s"\r\n' "$work/pki/ca.pem" >&3
printf 'AT+SMTPSEND="<rcpt@example.com>","captured","%s"\r\n' "$body" >&3
wait_for "$work/at.log" "$app_pid" 120 '^\+SMTPSEND: ' ||
  { tail -30 "$work/app.log" >&2; fail "no +SMTPSEND"; }
grep -q '^+SMTPSEND: 0' "$work/at.log" || { tail -30 "$work/app.log" >&2; fail "the mail failed"; }
exec 3>&-
wait "$app_pid" || fail "smtp_ssl exited with $?"
app_pid=''

$py "$src/tests/scripts/pcap_flows.py" "$work/mail.pcap" "$port" EHLO 'MAIL FROM:<oatemu@example.com>' \
  "$body" || fail "the capture is not what went over the link"

if command -v tshark >/dev/null; then
  # Wireshark's reassembly of the decrypted flow (the second TCP stream) and its checksum checks.
  follow=$(tshark -r "$work/mail.pcap" -qz follow,tcp,ascii,1 2>"$work/tshark.err") ||
    { cat "$work/tshark.err" >&2; fail "tshark cannot follow the decrypted flow"; }
  for needle in EHLO 'MAIL FROM:<oatemu@example.com>' "$body" '250 '; do
    expect_in "$follow" "$needle" "tshark's follow of the decrypted flow"
  done
  bad=$(tshark -r "$work/mail.pcap" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
    -Y 'ip.checksum.status == 0 || tcp.checksum.status == 0 || tcp.analysis.flags && !tcp.analysis.window_update' \
    2>"$work/tshark.err") || { cat "$work/tshark.err" >&2; fail "tshark cannot read the capture"; }
  [[ -z $bad ]] || { printf '%s\n' "$bad" >&2; fail "tshark finds bad checksums or TCP anomalies"; }
  echo "pcap_capture: tshark follows the decrypted SMTP dialogue, no checksum or TCP anomaly"
fi

# A capture file that cannot be created, or no path: exit 2 and one line on stderr, before
# the boot; OATEMU_PCAP is the same option.
bad_pcap() {   # bad_pcap <expected text> <env assignment or ''> <flag or ''>
  local rc=0 out
  out=$(env $2 "$exe" --at=none --clock=virtual --flash-dir="$work/flash" --run-for=1s $3 2>&1) ||
    rc=$?
  ((rc == 2)) || fail "bad --pcap ($2$3): exit $rc, 2 expected"
  (($(printf '%s\n' "$out" | wc -l) == 1)) || fail "bad --pcap ($2$3): one line expected, got: $out"
  expect_in "$out" "$1" "the --pcap error"
}
bad_pcap "--pcap: cannot create" '' --pcap="$work/no/such/dir/x.pcap"
bad_pcap "--pcap: needs a file path" '' --pcap=
bad_pcap "(from OATEMU_PCAP)" OATEMU_PCAP= ''
echo "pcap_capture: ok"
