#!/usr/bin/python3
"""http_server.py: the HTTP client suites' own server, for what nginx cannot do: echo of
request bodies (chunked or Content-Length), slow bodies, a reset in the middle of a body,
malformed status lines, a silent server, the request head echoed, close-delimited bodies, a 10 MB body, and the
request line of a proxied request. Prints "listening on 127.0.0.1:PORT" once it listens;
logs one line per request ("request METHOD TARGET chunked=0|1 length=N")."""
import argparse
import socket
import socketserver
import struct
import sys
import time


def big_body(n):
    # Byte i is (i * 7 + i // 251) % 256: the suite computes the same.
    return bytes((i * 7 + i // 251) % 256 for i in range(n))


BIG = None


class Handler(socketserver.BaseRequestHandler):
    def readline(self):
        while b"\n" not in self.buf:
            data = self.request.recv(65536)
            if not data:
                return None
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r")

    def read_exact(self, n):
        while len(self.buf) < n:
            data = self.request.recv(65536)
            if not data:
                return None
            self.buf += data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_body(self, headers):
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.readline().split(b";")[0], 16)
                if size == 0:
                    while self.readline():
                        pass
                    return body, True
                body += self.read_exact(size)
                self.readline()
        return self.read_exact(int(headers.get("content-length", "0"))), False

    def send(self, data):
        self.request.sendall(data)

    def reply(self, code, body, extra=""):
        self.send(b"HTTP/1.1 %d OK\r\nContent-Length: %d\r\n%s\r\n" % (code, len(body), extra.encode())
                  + body)

    def handle(self):
        self.buf = b""
        while True:
            line = self.readline()
            if line is None:
                return
            if not line:
                continue
            method, target, version = line.decode().split(" ", 2)
            headers = {}
            self.raw = line + b"\n"
            while True:
                h = self.readline()
                if not h:
                    break
                self.raw += h + b"\n"
                name, _, value = h.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            body, chunked = self.read_body(headers)
            print("request %s %s chunked=%d length=%d" % (method, target, chunked, len(body)),
                  flush=True)
            if not self.route(method, target, headers, body, chunked):
                return

    def route(self, method, target, headers, body, chunked):
        if target.startswith("http://"):
            self.reply(200, ("%s %s" % (method, target)).encode())
        elif target == "/headers":
            self.reply(200, self.raw)
        elif target == "/echo":
            self.reply(200, body, "X-Method: %s\r\nX-Chunked: %d\r\n" % (method, chunked))
        elif target == "/slow":
            self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n")
            for i in range(5):
                time.sleep(0.3)
                self.send(b"%010d" % i)
        elif target == "/reset":
            self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 1000)
            time.sleep(0.2)
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.request.close()
            return False
        elif target == "/malformed":
            self.send(b"HTPT/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno")
            return False
        elif target == "/silent":
            time.sleep(30)
            return False
        elif target == "/close-delimited":
            self.send(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"until the end\n" * 100)
            return False
        elif target == "/big":
            global BIG
            if BIG is None:
                BIG = big_body(self.server.big)
            self.reply(200, BIG)
        else:
            self.reply(404, b"no such thing\n")
        return True


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--big", type=int, default=10 * 1024 * 1024)
    args = ap.parse_args()
    with Server(("127.0.0.1", args.port), Handler) as srv:
        srv.big = args.big
        print("listening on 127.0.0.1:%d" % srv.server_address[1], flush=True)
        srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
