#!/bin/sh
# Installs the npm package smtp-server (pinned in package.json) into
# tests/smtp-servers/node_modules; nothing global. Does nothing when it is already installed.
set -eu
cd "$(dirname "$0")"
want=$(sed -n 's/.*"smtp-server": *"\([^"]*\)".*/\1/p' package.json)
have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' node_modules/smtp-server/package.json 2>/dev/null | head -n 1)
if [ -n "$have" ] && [ "$have" = "$want" ] && [ -f node_modules/nodemailer/package.json ]; then
    exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "setup.sh: npm is needed (apt-get install nodejs npm)" >&2; exit 1; }
npm install --no-audit --no-fund --no-save --loglevel=error >&2
