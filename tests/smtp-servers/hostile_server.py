#!/usr/bin/python3
# hostile_server.py: an SMTP server that misbehaves in one chosen way, for the tests of the
# client's timeouts and parsers; it must never behave well enough to hide the fault.
#
#   /usr/bin/python3 hostile_server.py --mode MODE [--port 0] [--spool DIR]
#                                      [--cert server.pem --key server.key]
#
# Listens on 127.0.0.1, prints "listening on 127.0.0.1:<port>", then one line per event
# ("accepted", "C: <command>", "S: <reply>", "body N bytes", "closed"); exits 0 on SIGTERM.
# Every connection runs the mode (stdlib only; TLS modes need --cert and --key, and any
# other mode runs over implicit TLS when given them):
#   silent-after-accept      accepts TCP and never sends a byte
#   silent-after-clienthello implicit TLS: reads the ClientHello, never answers it
#   trickle                  greeting "220-" lines, one every 5 ms, never the last one
#   cram-oversized           offers AUTH CRAM-MD5; its 334 challenge is 1016 base64 characters
#   bare-auth                EHLO has a bare "250-AUTH" line after a line ending in PLAIN
#   mismatched-continuation  DATA is answered "250-" CRLF "354 go ahead" CRLF
#   no-crlf-100k             the greeting is 100 KB without CRLF, then silence
#   close-notify-mid-data    implicit TLS; after 354 and the first body bytes, close_notify
#   reset-on-quit            QUIT is answered by a reset (RST, no 221)
#   close-on-quit            QUIT is answered by the end of the connection (FIN, no 221)
# The other commands get what a plain server answers (250, 354 after DATA, 221 to QUIT).
import argparse
import base64
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import time

MODES = ("silent-after-accept", "silent-after-clienthello", "trickle", "cram-oversized",
         "bare-auth", "mismatched-continuation", "no-crlf-100k", "close-notify-mid-data",
         "reset-on-quit", "close-on-quit")
TLS_MODES = ("silent-after-clienthello", "close-notify-mid-data")


def log(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class Session:
    def __init__(self, conn, mode):
        self.conn = conn
        self.mode = mode
        self.buf = b""

    def send(self, text):
        log("S: " + text.replace("\r\n", "\\r\\n")[:200])
        self.conn.sendall(text.encode())

    def line(self):
        while b"\n" not in self.buf:
            data = self.conn.recv(65536)
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def ehlo_reply(self):
        if self.mode == "cram-oversized":
            return "250-hostile.test\r\n250 AUTH CRAM-MD5\r\n"
        if self.mode == "bare-auth":   # the line before the bare AUTH ends in a method name
            return "250-hostile.test\r\n250-X-EXTENSION PLAIN\r\n250-AUTH\r\n250 HELP\r\n"
        return "250-hostile.test\r\n250 HELP\r\n"

    def body(self):
        """After 354: read up to the end of data (or misbehave during it)."""
        got = 0
        tail = b""                  # the end of data may come split over reads (TLS records)
        while True:
            if self.mode == "close-notify-mid-data" and got > 0:
                log("body %d bytes: close_notify" % got)
                self.conn.settimeout(2)
                try:
                    self.conn.unwrap()
                except (OSError, ssl.SSLError):
                    pass
                return False
            data = self.buf or self.conn.recv(65536)
            self.buf = b""
            if not data:
                return False
            got += len(data)
            tail = (tail + data)[-5:]
            if tail == b"\r\n.\r\n":
                log("body %d bytes" % got)
                return True

    def run(self):
        if self.mode == "silent-after-accept" or self.mode == "silent-after-clienthello":
            while self.conn.recv(65536):
                pass
            return
        if self.mode == "trickle":
            while True:
                self.send("220-hostile.test still greeting\r\n")
                time.sleep(0.005)
        if self.mode == "no-crlf-100k":
            self.send("220 " + "x" * 100 * 1024)
            while self.conn.recv(65536):
                pass
            return
        self.send("220 hostile.test ESMTP\r\n")
        while True:
            cmd = self.line()
            if cmd is None:
                return
            log("C: " + cmd)
            verb = cmd.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.send(self.ehlo_reply())
            elif verb == "AUTH" and self.mode == "cram-oversized":
                self.send("334 " + base64.b64encode(b"<" + b"c" * 760 + b">").decode() + "\r\n")
            elif verb == "DATA" and self.mode == "mismatched-continuation":
                self.send("250-\r\n354 go ahead\r\n")
                if not self.body():
                    return
                self.send("250 stored\r\n")
            elif verb == "DATA":
                self.send("354 go ahead\r\n")
                if not self.body():
                    return
                self.send("250 stored\r\n")
            elif verb == "QUIT" and self.mode == "reset-on-quit":
                log("quit-reset")
                self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            elif verb == "QUIT" and self.mode == "close-on-quit":
                log("quit-fin")
                return
            elif verb == "QUIT":
                self.send("221 bye\r\n")
                return
            else:
                self.send("250 ok\r\n")


def serve(conn, mode, tls):
    try:
        if tls is not None:
            if mode == "silent-after-clienthello":
                hello = conn.recv(65536)       # the ClientHello, never answered
                log("clienthello %d bytes" % len(hello))
            else:
                conn = tls.wrap_socket(conn, server_side=True)
        Session(conn, mode).run()
    except (OSError, ssl.SSLError) as e:
        log("error " + str(e))
    finally:
        log("closed")
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True, choices=MODES)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--spool", help="accepted for the test fixture; nothing is stored")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    a = ap.parse_args()
    tls = None
    if a.mode in TLS_MODES and not (a.cert and a.key):
        ap.error("--mode %s needs --cert and --key" % a.mode)
    if a.cert and a.key:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(a.cert, a.key)
    if a.spool:
        os.makedirs(a.spool, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", a.port))
    srv.listen(8)
    log("listening on 127.0.0.1:%d" % srv.getsockname()[1])
    while True:
        conn, _ = srv.accept()
        log("accepted")
        threading.Thread(target=serve, args=(conn, a.mode, tls), daemon=True).start()


if __name__ == "__main__":
    main()
