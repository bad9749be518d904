#!/usr/bin/python3
"""sink.py (run it through sink.sh): Postfix smtp-sink as a test server for the oatemu suites.

  sink.sh --spool DIR [--port P] [--sink /usr/sbin/smtp-sink] [SMTP-SINK OPTIONS...]

Starts smtp-sink on 127.0.0.1:PORT (a free port when none is given, retried if taken) with -v
(conversation log) and -d (message dump), plus the given smtp-sink options (-f/-r/-q/-Q
COMMANDS, -w/-W delays, -A, -8, -a, -p, -N, -E, -e, ...: see README). Prints
"listening on 127.0.0.1:PORT" once the port is listening (checked in /proc/net/tcp, so no
session is used up), then one line per protocol command (EHLO, MAIL ..., RCPT ..., DATA, ".",
VRFY, ETRN, BDAT, RSET, QUIT, AUTH <method>, ...), and for each message stores DIR/NNNN.eml,
DIR/NNNN.body and DIR/NNNN.env like scripts/smtp_server.py, then "received DIR/NNNN.eml (N bytes)".
Caveat: smtp-sink dumps text lines, so NNNN.eml is rebuilt with CRLF line ends (a bare CR or LF
in the content is not preserved). When "." is in a -f/-r/-q/-Q list the message is not stored
("rejected message" is printed). SIGTERM/SIGINT: stops smtp-sink and exits 0."""
import glob
import os
import pwd
import signal
import socket
import subprocess
import sys
import time

FAULT_OPTS = ('-f', '-r', '-q', '-Q')
CHILDREN = []
# smtp-sink options taking a value (from its usage line)
VALUE_OPTS = set('AbBdDfhHmMnqQrRsStTuwW')


def out(line):
    sys.stdout.write(line + '\n')
    sys.stdout.flush()


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def listening(port):
    want = '0100007F:%04X' % port
    try:
        with open('/proc/net/tcp') as f:
            for line in f.readlines()[1:]:
                parts = line.split()
                if parts[1] == want and parts[3] == '0A':
                    return True
    except OSError:
        pass
    return False


def main():
    argv = sys.argv[1:]
    spool, port, sink, extra = '.', 0, '/usr/sbin/smtp-sink', []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('-h', '--help') and (a == '--help' or i + 1 >= len(argv)):
            sys.stderr.write(__doc__ + '\n')
            return 0
        if a in ('--spool', '--port', '--sink'):
            if i + 1 >= len(argv):
                sys.exit('sink.sh: %s needs a value' % a)
            v = argv[i + 1]
            if a == '--spool':
                spool = v
            elif a == '--port':
                port = int(v)
            else:
                sink = v
            i += 2
            continue
        extra.append(a)
        if len(a) == 2 and a[0] == '-' and a[1] in VALUE_OPTS and i + 1 < len(argv):
            extra.append(argv[i + 1])
            i += 1
        i += 1
    # "." rejected/dropped: the dump of that message must not count as received
    reject_dot = False
    for j, a in enumerate(extra[:-1]):
        if a in FAULT_OPTS and '.' in extra[j + 1].replace(',', ' ').split():
            reject_dot = True
    if '-A' in extra:
        reject_dot = True

    os.makedirs(spool, exist_ok=True)
    dump = os.path.join(spool, '.sink-dump')
    os.makedirs(dump, exist_ok=True)
    user = []
    if os.geteuid() == 0 and '-u' not in extra:
        user = ['-u', 'nobody']
        os.chown(dump, pwd.getpwnam('nobody').pw_uid, -1)

    proc = None
    for attempt in range(10):
        p = port or free_port()
        proc = subprocess.Popen([sink, '-v', *user, '-d', os.path.join(dump, '%Y%m%d%H%M%S.'), *extra,
                                 '127.0.0.1:%d' % p, '64'], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        CHILDREN.append(proc)
        deadline = time.time() + 5
        while proc.poll() is None and not listening(p) and time.time() < deadline:
            time.sleep(0.02)
        if proc.poll() is None and listening(p):
            port = p
            break
        err = proc.stderr.read().decode(errors='replace') if proc.poll() is not None else ''
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if port or 'in use' not in err:
            sys.stderr.write(err)
            sys.exit('sink.sh: smtp-sink did not start')
    else:
        sys.exit('sink.sh: no free port')

    def stop(*_):
        if proc.poll() is None:
            proc.terminate()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    out('listening on 127.0.0.1:%d' % port)

    state = {'count': 0, 'done': set()}

    def convert():
        # called on ".": smtp-sink has written (or is writing) the dump of that message; dumps of
        # aborted transactions are removed by smtp-sink itself. One session at a time is assumed.
        for _ in range(50):
            ready = []
            for path in glob.glob(os.path.join(dump, '*')):
                try:
                    with open(path, 'rb') as f:
                        data = f.read()
                    ready.append((os.path.getmtime(path), path, data))
                except OSError:
                    continue
            ready = [r for r in ready if r[1] not in state['done'] and r[2].endswith(b'\n\n')]
            if ready:
                break
            time.sleep(0.02)
        for _, path, data in sorted(ready):
            state['done'].add(path)
            try:
                os.unlink(path)
            except OSError:
                pass
            if reject_dot:
                out('rejected message (fault injection on ".")')
                continue
            lines = data.split(b'\n')
            if lines and lines[-1] == b'':
                lines.pop()
            if lines and lines[-1] == b'':
                lines.pop()  # the empty line smtp-sink appends
            mail, rcpts, k = '', [], 0
            while k < len(lines):
                ln = lines[k].decode('utf-8', 'replace')
                if ln.startswith('X-Mail-Args: '):
                    mail = ln[13:]
                elif ln.startswith('X-Rcpt-Args: '):
                    rcpts.append(ln[13:])
                elif ln.startswith('Received: '):
                    k += 3
                    break
                k += 1
            raw = b''.join(ln + b'\r\n' for ln in lines[k:])

            def split(args):
                addr, _, params = args.partition(' ')
                return addr.strip('<>'), params.strip()
            state['count'] += 1
            base = os.path.join(spool, '%04d' % state['count'])
            with open(base + '.eml', 'wb') as f:
                f.write(raw)
            b = raw.find(b'\r\n\r\n')
            with open(base + '.body', 'wb') as f:
                f.write(raw[b + 4:] if b >= 0 else b'')
            frm, mparams = split(mail)
            rc = [split(r) for r in rcpts]
            with open(base + '.env', 'w') as f:
                f.write('from: %s\nto: %s\nmail-params: %s\n' % (frm, ','.join(a for a, _ in rc), mparams))
                for a, prm in rc:
                    f.write(('rcpt: %s %s' % (a, prm)).rstrip() + '\n')
                f.write('auth: -\ntls: no\n')
            out('received %s.eml (%d bytes)' % (base, len(raw)))

    prefix = os.path.basename(sink) + ': '
    for raw_line in proc.stderr:
        line = raw_line.decode('utf-8', 'replace').rstrip('\n')
        if not line.startswith(prefix) and ': ' in line:
            line = line[line.index(': ') + 2:]
        elif line.startswith(prefix):
            line = line[len(prefix):]
        word = line.split(' ')[0]
        if line.startswith(('vstream', 'fd=', 'smtp_stream', 'name_mask', 'trying', 'connect (')) or not line:
            continue
        if word == 'AUTH':
            out(' '.join(line.split(' ')[:2]))
        elif word.isupper() or word == '.' or line.startswith(('disconnect', 'fatal', 'warning', 'panic')):
            out(line)
        else:
            out('unknown command ' + word)
        if word == '.':
            convert()
    proc.wait()
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    finally:
        for child in CHILDREN:
            if child.poll() is None:
                child.kill()
