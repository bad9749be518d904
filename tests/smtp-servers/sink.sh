#!/bin/sh
# Postfix smtp-sink on 127.0.0.1:<free port> with a spool: see sink.py and README.
#   sink.sh --spool DIR [--port P] [SMTP-SINK OPTIONS...]
exec /usr/bin/python3 "$(dirname "$0")/sink.py" "$@"
