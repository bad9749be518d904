#!/usr/bin/python3
"""scripted_server.py: a POP3 server of fixed replies for the client's hostile cases, one
connection at a time on 127.0.0.1: any USER / PASS logs in, STAT says --stat, LIST answers
the lines of --list (separated by "|", then "."), UIDL answers those of --uidl or -ERR
without it, QUIT closes (--quit-closes: without its +OK); --many N stands for a mailbox of N
one-octet messages (ids "id-N").
Prints "root DIR" and "listening on 127.0.0.1:PORT" once it accepts.
usage: scripted_server.py --port 0 --spool DIR --stat "N OCTETS" --list "1 10|2 20"
       [--uidl "1 a|2 b"] | --many N [--quit-closes]"""
import argparse
import os
import socket


def serve(conn, args):
    f = conn.makefile("rwb", buffering=0)

    def say(*lines):
        f.write(b"".join(line.encode() + b"\r\n" for line in lines))

    say("+OK scripted ready")
    for raw in f:
        cmd = raw.decode(errors="replace").strip().split(" ")[0].upper()
        if cmd in ("USER", "PASS"):
            say("+OK")
        elif cmd == "STAT":
            say("+OK " + args.stat)
        elif cmd == "LIST":
            say("+OK listing", *args.list.split("|"), ".")
        elif cmd == "UIDL" and args.uidl is not None:
            say("+OK ids", *args.uidl.split("|"), ".")
        elif cmd == "QUIT":
            if not args.quit_closes:
                say("+OK bye")
            return
        else:
            say("-ERR not here")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--spool", required=True)
    ap.add_argument("--stat", default="0 0")
    ap.add_argument("--list", default="")
    ap.add_argument("--uidl")
    ap.add_argument("--many", type=int, default=0)
    ap.add_argument("--quit-closes", action="store_true")
    args = ap.parse_args()
    if args.many:
        numbers = range(1, args.many + 1)
        args.stat = "%d %d" % (args.many, args.many)
        args.list = "|".join("%d 1" % n for n in numbers)
        args.uidl = "|".join("%d id-%d" % (n, n) for n in numbers)
    os.makedirs(args.spool, exist_ok=True)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", args.port))
    s.listen(4)
    print("root %s" % os.path.abspath(args.spool), flush=True)
    print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
    while True:
        conn, _ = s.accept()
        try:
            serve(conn, args)
        except OSError:
            pass
        conn.close()


if __name__ == "__main__":
    main()
