#!/usr/bin/env bash
# Bad command-line flags on a built sample: each one exits 2 with exactly one line on stderr and
# never boots the module; good flags of the same kinds are still accepted.
set -euo pipefail
source "$(dirname "$0")/common.bash"
build=$2
hello=$build/apps/hello/hello
work=$(mktemp -d); trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
: > "$work/file"

# run_flags <flag>...: hello in virtual time for 1 s unless a flag says otherwise; sets rc and err.
run_flags() {
  rc=0
  err=$(timeout 30 "$hello" --clock=virtual --at=none --run-for=1s --trace=none \
        --flash-dir="$work/flash" "$@" 2>&1 >/dev/null </dev/null) || rc=$?
}

bad=(
  --run-for=nan --run-for=inf --run-for=0x10 --run-for=1e3 "--run-for= 5s" --run-for=-1s
  --run-for=1.s --run-for=99999999999999999999d --connect-timeout=nan
  --bearer=delay=nan --bearer=drop=nan --bearer=delay=0x10
  --rtc=99999999999999999 --rtc=4294967296 --rtc=+5 --rtc=2200-01-01T00:00:00
  --host-map=a:xyz=1.2.3.4:25 --host-map=a:99999=1.2.3.4:25 --host-map=a=1.2.3.4:25:26
  --host-map=a=1.2.3.4:0 --host-map=a:=1.2.3.4:25 --host-map=a=1.2.3.4:+25
  --expose=7:99999 --expose=+7:7007 --at=tcp:65536 --at=tcp:+1 --trace=+3 --trace=1-99
  --trace=file:/nonexistent/x "--flash-dir=/proc/oatemu-no/flash" "--flash-dir=$work/file/flash"
  --fault=peer.test:explode --fault=peer.test --fault=peer.test:99999:refuse
  --fault=peer.test:reset-after=0 --fault=peer.test:reset-after=x --fault=peer.test:stall=soon
  --fault=peer.test:refuse=1 --fault=:refuse "--fault=[::1:refuse" --fault=peer.test:tls-alert-after
  --module-cpu=pentium --module-cpu=
  --link=dialup --link=gprs,rate=40k --link=rtt=600ms --link=rate=0/80k --link=gprs,rtt=2m
  --link=gprs,jitter=soon --link=gprs,speed=1 --link=rate=40k/80kk --link=lan,gprs
)
for flag in "${bad[@]}"; do
  run_flags "$flag"
  [ "$rc" = 2 ] || { printf '%s\n' "$err" >&2; fail "$flag: exit $rc, 2 expected"; }
  lines=$(printf '%s\n' "$err" | wc -l)
  [ -n "$err" ] && [ "$lines" = 1 ] || { printf '%s\n' "$err" >&2; fail "$flag: $lines stderr lines, 1 expected"; }
  expect_in "$err" "hello: " "$flag: the line names the program"
done

# A flash directory without write permission (root may write anywhere: not checked as root).
if [ "$(id -u)" != 0 ]; then
  mkdir -p "$work/ro" && chmod 555 "$work/ro"
  run_flags "--flash-dir=$work/ro"
  [ "$rc" = 2 ] || fail "read-only --flash-dir: exit $rc, 2 expected"
fi

good=(
  --run-for=1.5s --run-for=2h --run-for=500ms --run-for=3 --bearer=delay=2.5s,drop=1h
  --rtc=4294967295 --rtc=2106-02-07T06:28:15 --rtc=0
  --host-map=smtp.example.com:465=127.0.0.1:8465,echo.example.com=localhost:7007
  --host-map=v6.example.com=::1:25 --expose=7:0,25:2525 --trace=1-3,file:"$work/trace.log"
  "--fault=mail.test:25:reset-after=1000;10.0.0.1:stall=2s,drop-bearer=1m" "--fault=[::1]:443:refuse"
  --module-cpu=arm9-104mhz --module-cpu=off
  --link=gprs --link=lan --link=3g --link=edge,jitter=50ms --link=rate=40k/80k,rtt=600ms
  --link=gprs,rtt=1s
)
for flag in "${good[@]}"; do
  run_flags "$flag"
  [ "$rc" = 0 ] || { printf '%s\n' "$err" >&2; fail "$flag: exit $rc, 0 expected"; }
done

# The RTC set at the last second a u32 time stamp holds is shown as such.
out=$(printf 'AT+CCLK?\r' | timeout 30 "$hello" --clock=virtual --trace=none \
      --flash-dir="$work/flash" --rtc=4294967295 2>&1)
expect_in "$out" '+CCLK: "06/02/07,06:28:15"' "--rtc=4294967295 read back by AT+CCLK?"
echo "bad flags: ok"
