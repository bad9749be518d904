#!/usr/bin/env bash
# valgrind memcheck over the WIP conformance suites (channels, loopback, host TCP, bearers,
# UDP, ping, 10000-cycle runs, SSL, SMTP and its extension suites): no error, nothing
# definitely lost. The SSL suite runs without its 200-cycle test here (minutes under
# valgrind; it runs in the normal suite).
set -euo pipefail
source "$(dirname "$0")/common.bash"
build=$2
command -v valgrind >/dev/null || fail "valgrind is not installed"
log=$(mktemp); trap 'rm -f "$log"' EXIT
for suite in loopback_test channel_input_test tcp_host_test bearer_test udp_test ping_test \
             cycles_test ssl_test smtp_test smtp_modern_test smtp_aiosmtpd_test smtp_sink_test \
             smtp_chunking_test smtp_pinned_tls_test; do
  valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    "$build/tests/$suite" --gtest_brief=1 --gtest_filter=-*TwoHundredCycles* >"$log" 2>&1 \
    || { cat "$log" >&2; fail "$suite under valgrind"; }
  echo "valgrind: $suite clean"
done
