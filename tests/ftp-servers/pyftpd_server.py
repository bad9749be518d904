#!/usr/bin/python3
"""pyftpd_server.py: Debian's pyftpdlib as the FTP client suites' server: a user with a
password and every permission on a root directory (created), on 127.0.0.1; prints
"root DIR" and "listening on 127.0.0.1:PORT" once it accepts connections.
usage: pyftpd_server.py --port 0 --spool ROOT [--user U --password P]"""
import argparse
import logging
import os
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--spool", required=True, help="the root directory")
    ap.add_argument("--user", default="module")
    ap.add_argument("--password", default="s3cret")
    args = ap.parse_args()
    os.makedirs(args.spool, exist_ok=True)
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)   # every command
    auth = DummyAuthorizer()
    auth.add_user(args.user, args.password, args.spool, perm="elradfmwMT")
    handler = FTPHandler
    handler.authorizer = auth
    server = FTPServer(("127.0.0.1", args.port), handler)
    host, port = server.socket.getsockname()[:2]
    print("root %s" % os.path.abspath(args.spool), flush=True)
    print("listening on %s:%d" % (host, port), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
