#!/usr/bin/python3
"""drop_server.py: an FTP server of ours that breaks downloads: any login is taken, and a RETR
(passive mode) sends the first --drop-after bytes of the pattern bytes(i % 251), then closes
the data connection and replies 426, as a server whose disk or link failed mid-transfer.
With --account ACC, PASS is answered 332 and only ACCT ACC logs in (530 for another). With
--quit-closes, QUIT is answered by the end of the connection (no 221).
Prints "root DIR" and "listening on 127.0.0.1:PORT" once it accepts connections.
usage: drop_server.py --port 0 --spool DIR --drop-after N [--account ACC] [--quit-closes]"""
import argparse
import os
import socket
import threading


def pattern(n):
    return bytes(i % 251 for i in range(n))


def session(conn, drop_after, account, quit_closes):
    f = conn.makefile("rb")
    data_listener = None

    def reply(text):
        conn.sendall((text + "\r\n").encode())

    reply("220 drop_server ready")
    for raw in f:
        line = raw.decode("latin-1").rstrip("\r\n")
        verb = line.split(" ", 1)[0].upper()
        if verb == "USER":
            reply("331 password please")
        elif verb == "PASS":
            reply("332 account please" if account else "230 logged in")
        elif verb == "ACCT" and account:
            given = line.split(" ", 1)[1] if " " in line else ""
            reply("230 logged in" if given == account else "530 not that account")
        elif verb == "TYPE":
            reply("200 type set")
        elif verb == "PASV":
            data_listener = socket.socket()
            data_listener.bind(("127.0.0.1", 0))
            data_listener.listen(1)
            p = data_listener.getsockname()[1]
            reply("227 Entering Passive Mode (127,0,0,1,%d,%d)" % (p >> 8, p & 255))
        elif verb == "RETR" and data_listener:
            reply("150 opening the data connection")
            d, _ = data_listener.accept()
            d.sendall(pattern(drop_after))
            d.close()
            data_listener.close()
            data_listener = None
            reply("426 Connection closed; transfer aborted")
        elif verb == "QUIT":
            if not quit_closes:
                reply("221 bye")
            break
        else:
            reply("502 not here")
    conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--spool", required=True)
    ap.add_argument("--drop-after", type=int, default=65536)
    ap.add_argument("--account", default="")
    ap.add_argument("--quit-closes", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.spool, exist_ok=True)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(4)
    print("root %s" % os.path.abspath(args.spool), flush=True)
    print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=session, args=(conn, args.drop_after, args.account, args.quit_closes), daemon=True).start()


if __name__ == "__main__":
    main()
