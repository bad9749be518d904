#!/usr/bin/python3
"""smtp_server.py: a local SMTPS (implicit TLS) server for the smtp_ssl demo and tests.

  smtp_server.py --cert server.pem --key server.key --spool DIR [--port 0] [--user U --password P]
                 [--fail-rcpt ADDR] [--drop-during-data] [--starttls | --require-starttls]
                 [--hide-starttls] [--auth-methods PLAIN,LOGIN,CRAM-MD5,ANONYMOUS] [--smtputf8] [--size N]
      Serves SMTP over implicit TLS on 127.0.0.1:PORT (0: a free port) and prints
      "listening on 127.0.0.1:PORT". Each accepted message is stored as DIR/NNNN.eml (the
      raw content, SMTP transparency undone), DIR/NNNN.body (what follows the header) and
      DIR/NNNN.env (envelope: "from: A", "to: B,C", then "mail-params: SIZE=.. BODY=..
      SMTPUTF8" and one "rcpt: ADDR" line per recipient); then "received DIR/NNNN.eml" is
      printed, like the protocol commands (EHLO, STARTTLS, VRFY, ETRN, BDAT, RSET, QUIT, ...)
      and "auth <METHOD> ok|refused".
      --fail-rcpt: 550 for that recipient. --drop-during-data: the first DATA is cut (the
      connection closes after the first body bytes).
      --starttls: a plain listener offering STARTTLS (AUTH only after it, unless
      --hide-starttls); --require-starttls: the same, and commands other than EHLO/NOOP/QUIT
      get 530 before STARTTLS (aiosmtpd's require_starttls). --hide-starttls: STARTTLS is
      not in the EHLO reply (still accepted; AUTH offered in clear): STARTTLS stripping.
      --auth-methods: the AUTH mechanisms offered (aiosmtpd has PLAIN and LOGIN; CRAM-MD5 and
      ANONYMOUS (RFC 4505, the trace is logged) are added here; default PLAIN,LOGIN). --smtputf8: offer SMTPUTF8. --size N: SIZE limit
      (default 64 MiB). aiosmtpd refuses RCPT parameters (DSN NOTIFY/ORCPT: 555) and MAIL
      parameters other than SIZE, BODY and SMTPUTF8 (555); it has no PIPELINING keyword,
      CHUNKING/BDAT, ETRN nor DSN; VRFY gets 252.
  smtp_server.py --make-pki DIR
      Root CA, intermediate and leaf (CN smtp.example.com, SAN smtp.example.com, localhost,
      127.0.0.1): DIR/ca.pem (root), DIR/intermediate.pem, DIR/server.pem (leaf + chain),
      DIR/server.key. Uses the cryptography module, or /usr/bin/openssl without it.
  smtp_server.py --gen-body N
      Writes the body AT+SMTPSENDN generates for N (same generator as apps/smtp_ssl).

Needs Debian's python3-aiosmtpd (1.4) for serving; run with /usr/bin/python3."""
import argparse
import asyncio
import base64
import os
import signal
import ssl
import subprocess
import sys


def gen_body(size):
    """The body of AT+SMTPSENDN=..,size: see mail_GenByte in apps/smtp_ssl/src/mail.c."""
    out = bytearray()
    line = 0
    while len(out) < size:
        rem = size - len(out)
        n = 0 if line == 4 else 76
        if n + 2 > rem:
            n = rem - 2
        for col in range(n):
            if (line == 2 and col == 0) or (line == 6 and col < 2):
                out.append(ord('.'))
            else:
                out.append(33 + (line * 31 + col * 7) % 94)
        out += b'\r\n'
        line += 1
    return bytes(out)


def make_pki_openssl(d):
    def run(*a):
        subprocess.run(['/usr/bin/openssl', *a], check=True, capture_output=True)
    ext = os.path.join(d, 'ext.cnf')
    with open(ext, 'w') as f:
        f.write('[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
                '[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n'
                'extendedKeyUsage=serverAuth\n'
                'subjectAltName=DNS:smtp.example.com,DNS:localhost,IP:127.0.0.1\n')
    p = lambda n: os.path.join(d, n)
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.pem'),
        '-days', '3650', '-subj', '/CN=oatemu test root CA', '-addext', 'basicConstraints=critical,CA:TRUE',
        '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('intermediate.key'), '-out', p('inter.csr'),
        '-subj', '/CN=oatemu test intermediate CA')
    run('x509', '-req', '-in', p('inter.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'),
        '-CAcreateserial', '-out', p('intermediate.pem'), '-days', '3650', '-extfile', ext, '-extensions', 'ca')
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('server.key'), '-out', p('server.csr'),
        '-subj', '/CN=smtp.example.com')
    run('x509', '-req', '-in', p('server.csr'), '-CA', p('intermediate.pem'), '-CAkey', p('intermediate.key'),
        '-CAcreateserial', '-out', p('leaf.pem'), '-days', '825', '-extfile', ext, '-extensions', 'leaf')
    with open(p('server.pem'), 'wb') as f:
        f.write(open(p('leaf.pem'), 'rb').read() + open(p('intermediate.pem'), 'rb').read())


def make_pki(d):
    os.makedirs(d, exist_ok=True)
    try:
        import datetime
        import ipaddress
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    except ImportError:
        make_pki_openssl(d)
        return
    now = datetime.datetime.utcnow() - datetime.timedelta(days=1)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def cert(subject, key, issuer, issuer_key, ca, days, san=None):
        b = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=days))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
        if ca:
            b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                critical=True)
        else:
            b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            b = b.add_extension(x509.SubjectAlternativeName(san), critical=False)
        if issuer_key is not key:
            b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                                critical=False)
        return b.sign(issuer_key, hashes.SHA256())

    def pem(c):
        return c.public_bytes(serialization.Encoding.PEM)

    def keypem(k):
        return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())
    rk, ik, lk = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root = cert('oatemu test root CA', rk, 'oatemu test root CA', rk, True, 3650)
    inter = cert('oatemu test intermediate CA', ik, 'oatemu test root CA', rk, True, 3650)
    leaf = cert('smtp.example.com', lk, 'oatemu test intermediate CA', ik, False, 825,
                [x509.DNSName('smtp.example.com'), x509.DNSName('localhost'),
                 x509.IPAddress(ipaddress.ip_address('127.0.0.1'))])
    files = {'ca.pem': pem(root), 'ca.key': keypem(rk), 'intermediate.pem': pem(inter),
             'intermediate.key': keypem(ik), 'leaf.pem': pem(leaf), 'server.key': keypem(lk),
             'server.pem': pem(leaf) + pem(inter)}
    for n, data in files.items():
        with open(os.path.join(d, n), 'wb') as f:
            f.write(data)


def serve(args):
    import base64
    import hmac
    import time
    from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword

    class State:
        count = 0
        drop_pending = args.drop_during_data

    def out(text):
        print(text, flush=True)

    class Handler:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            session.host_name = hostname
            if args.hide_starttls:
                responses = [r for r in responses if r != '250-STARTTLS']
            return responses

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if args.fail_rcpt and address.lower() == args.fail_rcpt.lower():
                out('refused recipient ' + address)
                return '550 5.1.1 <%s>: recipient refused' % address
            envelope.rcpt_tos.append(address)
            return '250 OK'

        async def handle_DATA(self, server, session, envelope):
            State.count += 1
            base = os.path.join(args.spool, '%04d' % State.count)
            raw = envelope.original_content or b''
            with open(base + '.eml', 'wb') as f:
                f.write(raw)
            i = raw.find(b'\r\n\r\n')
            with open(base + '.body', 'wb') as f:
                f.write(raw[i + 4:] if i >= 0 else b'')
            with open(base + '.env', 'w') as f:
                f.write('from: %s\nto: %s\n' % (envelope.mail_from, ','.join(envelope.rcpt_tos)))
                f.write('mail-params: %s\n' % ' '.join(envelope.mail_options))
                for rcpt in envelope.rcpt_tos:
                    f.write('rcpt: %s\n' % rcpt)
            out('received %s.eml (%d bytes)' % (base, len(raw)))
            return '250 OK message %d queued' % State.count

    def authenticator(server, session, envelope, mechanism, auth_data):
        login = getattr(auth_data, 'login', b'') or b''
        password = getattr(auth_data, 'password', b'') or b''
        ok = args.user is None or (login.decode() == args.user and password.decode() == args.password)
        out('auth %s %s' % (mechanism, 'ok' if ok else 'refused'))
        return AuthResult(success=ok, handled=False)

    class Server(SMTP):
        async def smtp_EHLO(self, arg):
            out('EHLO')
            return await super().smtp_EHLO(arg)

        async def smtp_HELO(self, arg):
            out('HELO')
            return await super().smtp_HELO(arg)

        async def smtp_STARTTLS(self, arg):
            out('STARTTLS')
            return await super().smtp_STARTTLS(arg)

        async def smtp_VRFY(self, arg):
            out('VRFY %s' % (arg or ''))
            return await super().smtp_VRFY(arg)

        async def smtp_RSET(self, arg):
            out('RSET')
            return await super().smtp_RSET(arg)

        async def smtp_QUIT(self, arg):
            out('QUIT')
            return await super().smtp_QUIT(arg)

        async def smtp_MAIL(self, arg):
            out('MAIL %s' % (arg or ''))
            return await super().smtp_MAIL(arg)

        async def smtp_RCPT(self, arg):
            out('RCPT %s' % (arg or ''))
            return await super().smtp_RCPT(arg)

        async def smtp_ETRN(self, arg):
            out('ETRN %s' % (arg or ''))
            await self.push('500 Error: command "ETRN" not recognized')

        async def smtp_BDAT(self, arg):
            out('BDAT %s' % (arg or ''))
            await self.push('500 Error: command "BDAT" not recognized')

        async def auth_CRAM__MD5(self, _, args_):
            challenge = '<%d.%d@smtp.example.com>' % (os.getpid(), time.time_ns())
            resp = await self.challenge_auth(challenge)
            if resp is MISSING:
                return AuthResult(success=False, handled=False)
            login, _, digest = resp.decode(errors='replace').rpartition(' ')
            ok = args.user is None or (
                login == args.user and hmac.compare_digest(
                    digest.lower(),
                    hmac.new(args.password.encode(), challenge.encode(), 'md5').hexdigest()))
            out('auth CRAM-MD5 %s' % ('ok' if ok else 'refused'))
            return AuthResult(success=ok, handled=False,
                              auth_data=LoginPassword(login.encode(), b'') if ok else None)

        async def auth_ANONYMOUS(self, _, args_):
            # RFC 4505: the trace (an e-mail address or a token) is logged, nothing checked.
            if len(args_) > 1:
                try:
                    trace = base64.b64decode(args_[1], validate=True)
                except ValueError:
                    trace = None
            else:
                trace = await self.challenge_auth('')
                trace = None if trace is MISSING else trace
            if trace is None:
                out('auth ANONYMOUS refused')
                return AuthResult(success=False, handled=False)
            out('auth ANONYMOUS ok trace=%s' % trace.decode(errors='replace'))
            return AuthResult(success=True, handled=False,
                              auth_data=LoginPassword(b'anonymous', b''))

        async def smtp_DATA(self, arg):
            out('DATA')
            if State.drop_pending and self.envelope.rcpt_tos:
                State.drop_pending = False
                await self.push('354 End data with <CR><LF>.<CR><LF>')
                await self._reader.read(1024)
                out('dropped the connection during DATA')
                self.transport.close()
                return
            return await super().smtp_DATA(arg)

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    os.makedirs(args.spool, exist_ok=True)
    starttls = args.starttls or args.require_starttls
    offered = [m.strip().upper() for m in (args.auth_methods or 'PLAIN,LOGIN').split(',') if m.strip()]
    unknown = set(offered) - {'PLAIN', 'LOGIN', 'CRAM-MD5', 'ANONYMOUS'}
    if unknown:
        sys.exit('smtp_server.py: unsupported AUTH method(s) %s (aiosmtpd: PLAIN, LOGIN; '
                 'here also CRAM-MD5, ANONYMOUS)' % ','.join(sorted(unknown)))
    excluded = [m for m in ('PLAIN', 'LOGIN', 'CRAM-MD5', 'ANONYMOUS') if m not in offered]

    async def main():
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        for s in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(s, lambda: stop.done() or stop.set_result(None))
        srv = await loop.create_server(
            lambda: Server(Handler(), hostname='smtp.example.com', authenticator=authenticator,
                           auth_require_tls=starttls and not args.hide_starttls,
                           data_size_limit=args.size, enable_SMTPUTF8=args.smtputf8,
                           auth_exclude_mechanism=excluded,
                           tls_context=ctx if starttls else None,
                           require_starttls=args.require_starttls),
            '127.0.0.1', args.port, ssl=None if starttls else ctx)
        out('listening on 127.0.0.1:%d' % srv.sockets[0].getsockname()[1])
        await stop
        srv.close()
    asyncio.run(main())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--make-pki', metavar='DIR')
    ap.add_argument('--gen-body', type=int, metavar='N')
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--cert')
    ap.add_argument('--key')
    ap.add_argument('--spool', default='.')
    ap.add_argument('--user')
    ap.add_argument('--password', default='')
    ap.add_argument('--fail-rcpt')
    ap.add_argument('--drop-during-data', action='store_true')
    ap.add_argument('--starttls', action='store_true')
    ap.add_argument('--require-starttls', action='store_true')
    ap.add_argument('--hide-starttls', action='store_true')
    ap.add_argument('--auth-methods')
    ap.add_argument('--smtputf8', action='store_true')
    ap.add_argument('--size', type=int, default=64 * 1024 * 1024)
    args = ap.parse_args()
    if args.make_pki:
        make_pki(args.make_pki)
        return
    if args.gen_body is not None:
        sys.stdout.buffer.write(gen_body(args.gen_body))
        return
    if not args.cert or not args.key:
        ap.error('--cert and --key are needed to serve')
    serve(args)


if __name__ == '__main__':
    main()
