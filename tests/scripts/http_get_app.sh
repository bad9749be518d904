#!/usr/bin/env bash
# The http_get sample end to end against Debian's nginx (run as the test user with a config
# generated here, on a free port): AT+HTTPGET of a small file, of 1 MB and of a missing page
# print "+HTTPGET: <status>,<length>"; a bad URL is ERROR at once. The AT port is a FIFO kept
# open until each result arrives; every wait is bounded polling.
set -euo pipefail
source "$(dirname "$0")/common.bash"
build=$2
exe=$build/apps/http_get/http_get
[ -x /usr/sbin/nginx ] || fail "http_get_app needs Debian's nginx (scripts/setup-deps test)"
work=$(mktemp -d)
chmod 755 "$work"     # nginx's workers run as nobody when the tests run as root
nginx_pid='' app_pid=''
cleanup() {
  exec 3>&- 2>/dev/null || true
  local pid
  for pid in $app_pid $nginx_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $app_pid $nginx_pid; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/www"
printf 'hello from nginx\n' >"$work/www/hello.txt"
head -c 1048576 /dev/urandom >"$work/www/big.bin"
chmod -R a+rX "$work/www"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 64; }
http {
  access_log $work/access.log;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi;
  scgi_temp_path $work/scgi;
  server { listen 127.0.0.1:$port; root $work/www; }
}
CONF
/usr/sbin/nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' >"$work/nginx.out" 2>&1 &
nginx_pid=$!
for ((i = 0; i < 200; i++)); do
  (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/nginx.out" "$work/error.log" >&2; fail "nginx did not start"; }
  sleep 0.05
done

mkfifo "$work/at"
"${runner[@]}" "$exe" --at=stdio --clock=virtual --flash-dir="$work/flash" --trace=1 \
  --host-map=www.example.com:80=127.0.0.1:"$port" <"$work/at" >"$work/app.at" 2>"$work/app.log" &
app_pid=$!
exec 3>"$work/at"
got=0
# fetch <url> <regex the result line matches>
fetch() {
  printf 'AT+HTTPGET="%s"\r\n' "$1" >&3
  got=$((got + 1))
  wait_for "$work/app.at" "$app_pid" 60 '^\+HTTPGET: ' "$got" ||
    { tail -30 "$work/app.log" "$work/app.at" >&2; fail "no +HTTPGET for $1"; }
  line=$(grep -E '^\+HTTPGET: ' "$work/app.at" | sed -n "${got}p" | tr -d '\r')
  [[ $line =~ ^$2$ ]] || { tail -30 "$work/app.log" >&2; fail "$1: '$line', not '$2'"; }
}
fetch http://www.example.com/hello.txt '\+HTTPGET: 200,17'
fetch http://www.example.com/big.bin '\+HTTPGET: 200,1048576'
fetch http://www.example.com/missing '\+HTTPGET: 404,[1-9][0-9]*'   # nginx's own error page
fetch ftp://www.example.com/x '\+HTTPGET: ERROR,-994'
exec 3>&-
wait_for "$work/app.log" "$app_pid" 20 'terminal input ended' || true
grep -c ' "GET /' "$work/access.log" | grep -qx 3 || fail "nginx did not log three GETs"
echo "http_get: 4 fetches as expected"
