#!/usr/bin/env bash
# The ssl_client sample end to end: a throw-away PKI made with the openssl CLI, a socat TLS
# echo server on a free host port, ssl_client pointed at it through the host map. Expects
# the 3 rounds (each: handshake, echo, close, wip_SSLClose / bearer / wip_netExit teardown),
# then a certificate error (errnum 1) with a CA that did not sign the server, and with an
# RTC after the certificate expired. ssl_client reads its CA from ssl_client_ca.pem in its
# working directory. Waits on output (bounded polling), never on fixed sleeps.
set -euo pipefail
source "$(dirname "$0")/common.bash"
build=$(cd "$2" && pwd)
client_exe=$build/apps/ssl_client/ssl_client
[ -x "$client_exe" ] || fail "$client_exe not built"
command -v socat >/dev/null || { echo "ssl_sample: socat missing, skipped"; exit 0; }
openssl=/usr/bin/openssl
py=/usr/bin/python3
work=$(mktemp -d)
server_pid='' client_pid=''
cleanup() {
  local pid
  for pid in $client_pid $server_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $client_pid $server_pid; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# ---- the PKI: a root, a leaf for secure.example.com signed by it, and an unrelated root ----
pki=$work/pki
mkdir -p "$pki"
root_ca() {   # root_ca <name> <CN>
  "$openssl" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=$2" -keyout "$pki/$1.key" -out "$pki/$1.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>>"$pki/log" || { cat "$pki/log" >&2; fail "openssl: root $1"; }
}
root_ca root "oatemu test root"
root_ca other "oatemu unrelated root"
"$openssl" req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/CN=secure.example.com" -keyout "$pki/leaf.key" -out "$pki/leaf.csr" 2>>"$pki/log" ||
  { cat "$pki/log" >&2; fail "openssl: leaf request"; }
printf '%s\n' "subjectAltName=DNS:secure.example.com" "basicConstraints=CA:FALSE" \
  "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$pki/leaf.ext"
"$openssl" x509 -req -in "$pki/leaf.csr" -CA "$pki/root.pem" -CAkey "$pki/root.key" \
  -CAcreateserial -days 365 -extfile "$pki/leaf.ext" -out "$pki/leaf.pem" 2>>"$pki/log" ||
  { cat "$pki/log" >&2; fail "openssl: leaf signature"; }
cat "$pki/leaf.pem" "$pki/leaf.key" >"$pki/server.pem"

# ---- the TLS echo server: a free port picked by python, retried if someone takes it ----
port=''
for attempt in 1 2 3 4 5; do
  cand=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  socat -d -d "OPENSSL-LISTEN:$cand,bind=127.0.0.1,reuseaddr,fork,cert=$pki/server.pem,verify=0" \
    EXEC:cat >"$work/server.log" 2>&1 &
  server_pid=$!
  if wait_for "$work/server.log" "$server_pid" 10 'listening on' && kill -0 "$server_pid" 2>/dev/null
  then
    port=$cand
    break
  fi
  kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=''
done
[ -n "$port" ] || { cat "$work/server.log" >&2; fail "socat could not listen"; }

# run_client <dir> <log> [flags...]: ssl_client in <dir> (its CA file is <dir>/ssl_client_ca.pem)
run_client() {
  local dir=$1 log=$2; shift 2
  (cd "$dir" && exec "$client_exe" --at=none --clock=virtual --run-for=5m --trace=1 \
     --flash-dir="$dir/flash" --host-map=secure.example.com:4433=127.0.0.1:"$port" "$@") \
    >"$log" 2>&1 &
  client_pid=$!
}
stop_client() {
  kill "$client_pid" 2>/dev/null || true; wait "$client_pid" 2>/dev/null || true; client_pid=''
}
end_re='rounds done|stopped in round'

# ---- 1. the right CA: 3 rounds ----
mkdir -p "$work/good"
cp "$pki/root.pem" "$work/good/ssl_client_ca.pem"
run_client "$work/good" "$work/good.log"
wait_for "$work/good.log" "$client_pid" 60 "$end_re" || true
stop_client
out=$(cat "$work/good.log")
expect_in "$out" "registration status 1" "the client waits for network registration"
expect_in "$out" "host map: secure.example.com:4433 goes to 127.0.0.1:$port" "the host map is applied"
for k in 1 2 3; do
  expect_in "$out" "ssl_client: round $k of 3: reply of 8 bytes" "round $k gets its reply"
  expect_in "$out" "ssl_client: round $k of 3: reply echoes the request" "round $k is echoed"
  expect_in "$out" "ssl_client: round $k: channel released, tearing down" "round $k finalizer"
done
expect_in "$out" "ssl_client: 3 rounds done" "all rounds run"
[ "$(grep -c 'GPRS bearer stopped' <<<"$out")" = 3 ] || { printf '%s\n' "$out" >&2;
  fail "the bearer is stopped once per round"; }
case "$out" in *"failed"*|*"errnum"*) printf '%s\n' "$out" >&2;
  fail "no step fails with the right CA";; esac

# ---- 2. a CA that did not sign the server: certificate error, errnum 1 ----
mkdir -p "$work/bad"
cp "$pki/other.pem" "$work/bad/ssl_client_ca.pem"
run_client "$work/bad" "$work/bad.log"
wait_for "$work/bad.log" "$client_pid" 60 "$end_re" || true
stop_client
out=$(cat "$work/bad.log")
expect_in "$out" "ssl_client: round 1: certificate error (errnum 1)" "an untrusted server is refused"
expect_in "$out" "ssl_client: round 1: channel released, tearing down" "the finalizer still runs"
expect_in "$out" "ssl_client: stopped in round 1 of 3" "no further round after the failure"
case "$out" in *"reply of"*) fail "no data goes over an unverified session";; esac

# ---- 3. the right CA, but the module RTC after the leaf expired: errnum 1 too ----
run_client "$work/good" "$work/late.log" --rtc=2100-01-01T00:00:00
wait_for "$work/late.log" "$client_pid" 60 "$end_re" || true
stop_client
out=$(cat "$work/late.log")
expect_in "$out" "ssl_client: round 1: certificate error (errnum 1)" "an expired certificate is refused"
echo "ssl_sample: ok"
