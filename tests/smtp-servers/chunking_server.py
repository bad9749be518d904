#!/usr/bin/python3
"""chunking_server.py: an SMTP server with CHUNKING (RFC 3030 BDAT) for the oatemu suites.

  chunking_server.py --spool DIR [--port 0] [--bind 127.0.0.1|::1] [--no-chunking] [--size N]
                     [--fail-bdat K]

None of the packaged test servers speaks BDAT (Postfix smtp-sink 3.7, aiosmtpd 1.4 and the npm
smtp-server all answer it with 500), so this one does, in plain sockets. It offers PIPELINING,
CHUNKING (unless --no-chunking), 8BITMIME, SMTPUTF8, DSN, ENHANCEDSTATUSCODES and SIZE N
(default 64 MiB: a larger SIZE= in MAIL or a larger message gets 552), takes DATA too, and
prints like node_server.js: "listening on 127.0.0.1:PORT" ("[::1]:PORT" with --bind ::1), one line per command ("BDAT 4096",
"BDAT 17 LAST", "MAIL FROM:<a>", ...), "read N lines from MAIL" (the command lines that came
in the same read as a MAIL: more than one means the client pipelined), and for each message
DIR/NNNN.eml (the content: BDAT octets as received, DATA with dot transparency undone),
DIR/NNNN.body (after the header), DIR/NNNN.env ("from:", "to:", "mail-params:", "rcpt:"
lines, "via: BDAT n chunks" or "via: DATA"), then "received DIR/NNNN.eml (N bytes)".
--fail-bdat K: the K-th BDAT chunk of a session is read and answered
"552 5.3.4 chunk refused (--fail-bdat)", and the mail is dropped. SIGTERM: exits 0."""
import argparse
import os
import signal
import socket
import socketserver
import sys
import threading

LOCK = threading.Lock()
STATE = {'count': 0}


def out(line):
    with LOCK:
        sys.stdout.write(line + '\n')
        sys.stdout.flush()


def params(words):
    return ' '.join(words)


class Session(socketserver.BaseRequestHandler):
    def setup(self):
        self.buf = b''
        self.reset()
        self.chunks_seen = 0

    def reset(self):
        self.mail_from = None
        self.mail_params = []
        self.rcpt = []
        self.content = b''
        self.chunks = 0
        self.failed = False

    def fill(self):
        data = self.request.recv(65536)
        if not data:
            raise EOFError
        at = data.find(b'MAIL ')
        if at >= 0 and (at == 0 or data[at - 1:at] == b'\n'):
            out('read %d lines from MAIL' % data[at:].count(b'\r\n'))
        self.buf += data

    def line(self):
        while b'\r\n' not in self.buf:
            if len(self.buf) > 4096:
                raise EOFError
            self.fill()
        line, _, self.buf = self.buf.partition(b'\r\n')
        return line.decode('utf-8', 'surrogateescape')

    def octets(self, n):
        while len(self.buf) < n:
            self.fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def reply(self, text):
        self.request.sendall(text.encode() + b'\r\n')

    def store(self, via):
        with LOCK:
            STATE['count'] += 1
            n = STATE['count']
        base = os.path.join(self.server.spool, '%04d' % n)
        with open(base + '.eml', 'wb') as f:
            f.write(self.content)
        head_end = self.content.find(b'\r\n\r\n')
        with open(base + '.body', 'wb') as f:
            f.write(self.content[head_end + 4:] if head_end >= 0 else b'')
        lines = ['from: ' + self.mail_from, 'to: ' + ','.join(a for a, _ in self.rcpt),
                 'mail-params: ' + params(self.mail_params)]
        lines += [('rcpt: %s %s' % (a, params(p))).rstrip() for a, p in self.rcpt]
        lines.append('via: ' + via)
        with open(base + '.env', 'w') as f:
            f.write('\n'.join(lines) + '\n')
        out('received %s.eml (%d bytes)' % (base, len(self.content)))
        return n

    def handle(self):
        try:
            self.reply('220 chunking.test ESMTP oatemu test server')
            while self.command():
                pass
        except (EOFError, ConnectionError):
            out('connection closed')

    def command(self):
        srv = self.server
        cmd = self.line()
        words = cmd.split()
        verb = words[0].upper() if words else ''
        out((cmd if verb in ('MAIL', 'RCPT', 'BDAT') else verb or '(empty line)').encode('utf-8', 'surrogateescape').decode('utf-8', 'replace'))
        if verb == 'EHLO':
            caps = ['chunking.test', 'PIPELINING', '8BITMIME', 'SMTPUTF8', 'DSN',
                    'ENHANCEDSTATUSCODES', 'SIZE %d' % srv.size]
            if srv.chunking:
                caps.append('CHUNKING')
            for c in caps[:-1]:
                self.reply('250-' + c)
            self.reply('250 ' + caps[-1])
        elif verb == 'HELO':
            self.reply('250 chunking.test')
        elif verb == 'MAIL' and cmd[5:10].upper() == 'FROM:':
            self.reset()
            addr, _, rest = cmd[10:].partition('>')
            self.mail_from = addr.lstrip('<')
            self.mail_params = rest.split()
            declared = [int(p[5:]) for p in self.mail_params if p.upper().startswith('SIZE=')]
            if declared and declared[0] > srv.size:
                self.mail_from = None
                self.reply('552 5.3.4 message size exceeds fixed limit')
            else:
                self.reply('250 2.1.0 Ok')
        elif verb == 'RCPT' and cmd[5:8].upper() == 'TO:':
            if self.mail_from is None:
                self.reply('503 5.5.1 MAIL first')
                return True
            addr, _, rest = cmd[8:].partition('>')
            self.rcpt.append((addr.lstrip('<'), rest.split()))
            self.reply('250 2.1.5 Ok')
        elif verb == 'DATA':
            if not self.rcpt:
                self.reply('503 5.5.1 RCPT first')
                return True
            self.reply('354 End data with <CR><LF>.<CR><LF>')
            body = []
            while True:
                line = self.line()
                if line == '.':
                    break
                body.append(line[1:] if line.startswith('.') else line)
            self.content = ''.join(l + '\r\n' for l in body).encode('utf-8', 'surrogateescape')
            if len(self.content) > srv.size:
                self.reply('552 5.3.4 message size exceeds fixed limit')
            else:
                self.reply('250 2.0.0 Ok: queued as %d' % self.store('DATA'))
            self.reset()
        elif verb == 'BDAT' and len(words) in (2, 3) and words[1].isdigit() and (
                len(words) == 2 or words[2].upper() == 'LAST'):
            data = self.octets(int(words[1]))   # read in any case: the octets are not commands
            self.chunks_seen += 1
            if not self.rcpt:
                self.reply('503 5.5.1 RCPT first')
                return True
            if self.failed:
                self.reply('503 5.5.1 the message was refused already')
                return True
            self.chunks += 1
            self.content += data
            if self.chunks_seen == srv.fail_bdat:
                self.failed = True
                self.reply('552 5.3.4 chunk refused (--fail-bdat)')
            elif len(self.content) > srv.size:
                self.failed = True
                self.reply('552 5.3.4 message size exceeds fixed limit')
            elif len(words) == 3:
                n = self.store('BDAT %d chunks' % self.chunks)
                self.reply('250 2.0.0 Ok: %d octets, queued as %d' % (len(self.content), n))
                self.reset()
            else:
                self.reply('250 2.0.0 Ok: %d octets' % len(data))
        elif verb == 'RSET':
            self.reset()
            self.reply('250 2.0.0 Ok')
        elif verb == 'NOOP':
            self.reply('250 2.0.0 Ok')
        elif verb == 'QUIT':
            self.reply('221 2.0.0 Bye')
            return False
        else:
            self.reply('500 5.5.2 command not recognized')
        return True


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Server6(Server):
    address_family = socket.AF_INET6


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--spool', required=True)
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--bind', default='127.0.0.1', choices=('127.0.0.1', '::1'))
    ap.add_argument('--no-chunking', action='store_true')
    ap.add_argument('--size', type=int, default=64 << 20)
    ap.add_argument('--fail-bdat', type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.spool, exist_ok=True)
    srv = (Server6 if a.bind == '::1' else Server)((a.bind, a.port), Session)
    srv.spool, srv.chunking, srv.size, srv.fail_bdat = a.spool, not a.no_chunking, a.size, a.fail_bdat
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    host = '[::1]' if a.bind == '::1' else a.bind
    out('listening on %s:%d' % (host, srv.server_address[1]))
    srv.serve_forever()


if __name__ == '__main__':
    main()
