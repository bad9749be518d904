#!/usr/bin/env bash
# The TCP samples end to end: tcp_echo_server exposed on a free host port, tcp_client pointed
# at it through the host map, 100000 bytes echoed intact (virtual and real clock). Waits on
# output (bounded polling), never on fixed sleeps.
set -euo pipefail
source "$(dirname "$0")/common.bash"
build=$2
server_exe=$build/apps/tcp_echo_server/tcp_echo_server
client_exe=$build/apps/tcp_client/tcp_client
work=$(mktemp -d)
server_pid='' client_pid=''
cleanup() {
  local pid
  for pid in $client_pid $server_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $client_pid $server_pid; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# --expose=7:0: the server takes any free host port and names it in its log.
"$server_exe" --at=none --clock=real --expose=7:0 --flash-dir="$work/s" --trace=1,2 \
  >"$work/server.log" 2>&1 &
server_pid=$!
wait_for "$work/server.log" "$server_pid" 20 'exposed on host 127.0.0.1:[0-9]+' ||
  { cat "$work/server.log" >&2; fail "tcp_echo_server could not expose module port 7"; }
port=$(grep -oE 'exposed on host 127.0.0.1:[0-9]+' "$work/server.log" | head -1 | cut -d: -f2)

# The client runs in virtual time: the clock waits while host traffic is recent.
client_flags=(--at=none --host-map=echo.example.com:7=127.0.0.1:"$port" --flash-dir="$work/c"
              --trace=1)
"$client_exe" "${client_flags[@]}" --clock=virtual --run-for=2m >"$work/client.log" 2>&1 &
client_pid=$!
done_re='echoed intact|CORRUPT|transfer failed|peer closed|bearer failed'
wait_for "$work/client.log" "$client_pid" 60 "$done_re" || true
out=$(cat "$work/client.log")
expect_in "$out" "registration status 1" "the client waits for network registration"
expect_in "$out" "GPRS bearer up" "the client starts the GPRS bearer"
expect_in "$out" "host map: echo.example.com:7 goes to 127.0.0.1:$port" "the host map is applied"
expect_in "$out" "tcp_client: 100000 bytes echoed intact" "100000 bytes come back intact"
wait_for "$work/client.log" "$client_pid" 20 'GPRS bearer down' || true
expect_in "$(cat "$work/client.log")" "channel released, stopping the bearer" \
  "the finalizer runs after the close and stops the bearer"
kill "$client_pid" 2>/dev/null || true; wait "$client_pid" 2>/dev/null || true; client_pid=''

wait_for "$work/server.log" "$server_pid" 20 'closed by the peer' || true
expect_in "$(cat "$work/server.log")" "100000 bytes echoed, 0 not" "the server echoed every byte"

# The same on the real clock.
out=$(timeout 60 "$client_exe" "${client_flags[@]}" --clock=real --run-for=8s 2>&1 || true)
expect_in "$out" "tcp_client: 100000 bytes echoed intact" "the real-clock run is intact too"
echo "tcp_samples: ok"
