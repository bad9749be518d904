#!/usr/bin/env bash
# valgrind memcheck over the Internet library's suites (HTTP, FTP and POP3 clients against
# nginx, our Python servers, pyftpdlib, vsftpd and dovecot): no error, nothing definitely lost.
# Every test runs, the 10 MB transfers and the 200-request and 50-transfer runs included.
set -euo pipefail
source "$(dirname "$0")/common.bash"
build=$2
command -v valgrind >/dev/null || fail "valgrind is not installed"
log=$(mktemp); trap 'rm -f "$log"' EXIT
for suite in http_codec_test http_hostile_test http_nginx_test ftp_reply_test \
             ftp_pyftpdlib_test ftp_vsftpd_test pop3_dovecot_test pop3_hostile_test; do
  [ -x "$build/tests/$suite" ] || fail "no $build/tests/$suite"
  start=$SECONDS
  valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    "$build/tests/$suite" --gtest_brief=1 >"$log" 2>&1 \
    || { cat "$log" >&2; fail "$suite under valgrind"; }
  echo "valgrind: $suite clean ($((SECONDS - start)) s)"
done
