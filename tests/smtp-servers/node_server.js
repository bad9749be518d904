#!/usr/bin/env node
'use strict';
/*
 * node_server.js: an SMTP test server (npm smtp-server) for the oatemu test suites.
 *
 *   node node_server.js --spool DIR [--port 0] [--cert server.pem --key server.key]
 *        [--secure] [--hide-starttls] [--no-starttls] [--auth-methods PLAIN,LOGIN,CRAM-MD5,XOAUTH2]
 *        [--auth-required] [--allow-insecure-auth] [--size N] [--no-pipelining] [--no-8bitmime]
 *        [--no-smtputf8] [--no-dsn] [--fail-mail ADDR] [--fail-rcpt ADDR] [--fail-data CODE]
 *        [--delay-reply CMD:MS] [--ciphers LIST] [--min-tls V] [--max-tls V] [--name HOST]
 *        [--config FILE.json]
 *
 * Listens on 127.0.0.1:PORT (0: a free port) and prints "listening on 127.0.0.1:PORT".
 * Plain SMTP offering STARTTLS by default (needs --cert/--key; without them STARTTLS is not
 * offered), --secure: implicit TLS. AUTH is offered only with --auth-methods; it accepts
 * user "mailer" / password "s3cret" (PLAIN, LOGIN, CRAM-MD5) and the XOAUTH2 token "tok123".
 * Each message is stored like scripts/smtp_server.py does: DIR/NNNN.eml (raw content, dot
 * transparency undone), DIR/NNNN.body (after the header), DIR/NNNN.env ("from: A", "to: B,C",
 * then "mail-params: ...", one "rcpt: ADDR PARAMS" line per recipient, "auth: METHOD USER|-",
 * "tls: yes|no"), then "received DIR/NNNN.eml (N bytes)" is printed. Protocol events (EHLO,
 * STARTTLS, AUTH <method> ok|failed, VRFY, ETRN, BDAT, RSET, QUIT, ...) are printed one per line;
 * "read N lines from MAIL" tells how many command lines came in the read holding a MAIL
 * command (more than one: the client pipelined). --fail-mail ADDR: 550 to that sender.
 * --delay-reply CMD:MS: the reply to CMD (EHLO, MAIL, RCPT, DATA, or "." for the end of the
 * data) comes MS ms late. TLS pinning (handshake logged as "TLS established NAME VERSION
 * CIPHER"): --ciphers (OpenSSL list for TLS 1.2), --min-tls / --max-tls (TLSv1.2, TLSv1.3).
 * --config FILE.json: the same options as a JSON object ({"port": 0, "secure": true,
 * "auth-methods": "PLAIN,LOGIN", ...}); command line options win.
 */
const fs = require('fs');
const path = require('path');

const { SMTPServer } = require('smtp-server');
const { SMTPConnection } = require('smtp-server/lib/smtp-connection');
const { SMTPStream } = require('smtp-server/lib/smtp-stream');

const USER = 'mailer';
const PASSWORD = 's3cret';
const TOKEN = 'tok123';

const BOOL = ['secure', 'hide-starttls', 'no-starttls', 'auth-required', 'allow-insecure-auth',
    'no-pipelining', 'no-8bitmime', 'no-smtputf8', 'no-dsn', 'help'];
const VALUE = ['port', 'cert', 'key', 'spool', 'auth-methods', 'size', 'fail-mail', 'fail-rcpt', 'fail-data',
    'delay-reply', 'ciphers', 'min-tls', 'max-tls', 'name', 'config'];

function usage(msg) {
    if (msg) process.stderr.write('node_server.js: ' + msg + '\n');
    const text = fs.readFileSync(__filename, 'utf8').split('*/')[0];
    process.stderr.write(text.replace(/^\/\*\n?|^ \* ?/gm, '').replace(/^#!.*\n'use strict';\n/, ''));
    process.exit(msg ? 2 : 0);
}

function parseArgs(argv) {
    const o = {};
    for (let i = 0; i < argv.length; i++) {
        let a = argv[i];
        if (!a.startsWith('--')) usage('unexpected argument ' + a);
        a = a.slice(2);
        let v;
        const eq = a.indexOf('=');
        if (eq >= 0) {
            v = a.slice(eq + 1);
            a = a.slice(0, eq);
        }
        if (BOOL.includes(a)) o[a] = v === undefined ? true : v !== 'false' && v !== '0';
        else if (VALUE.includes(a)) {
            if (v === undefined) {
                if (i + 1 >= argv.length) usage('--' + a + ' needs a value');
                v = argv[++i];
            }
            o[a] = v;
        } else usage('unknown option --' + a);
    }
    return o;
}

let opts = parseArgs(process.argv.slice(2));
if (opts.help) usage();
if (opts.config) opts = Object.assign(JSON.parse(fs.readFileSync(opts.config, 'utf8')), opts);

function out(line) {
    process.stdout.write(line + '\n');
}

const spool = opts.spool || '.';
fs.mkdirSync(spool, { recursive: true });
let count = 0;

// Protocol event log: every command line (not SASL continuation lines nor DATA content).
const LOGGED = ['EHLO', 'HELO', 'LHLO', 'STARTTLS', 'VRFY', 'EXPN', 'ETRN', 'BDAT', 'RSET', 'QUIT', 'NOOP',
    'HELP', 'MAIL', 'RCPT', 'DATA'];
const origOnCommand = SMTPConnection.prototype._onCommand;
SMTPConnection.prototype._onCommand = function (command, callback) {
    if (!this._nextHandler && !this._upgrading) {
        const line = (command || '').toString();
        const name = line.split(' ').shift().toUpperCase();
        if (LOGGED.includes(name)) out(name === 'MAIL' || name === 'RCPT' || name === 'VRFY' ? line : name);
        else if (name !== 'AUTH') out('unknown command ' + name);
    }
    const name = (command || '').toString().split(' ').shift().toUpperCase();
    if (!this._nextHandler && ['EHLO', 'MAIL', 'RCPT', 'DATA'].includes(name))
        return later(name, () => origOnCommand.call(this, command, callback));
    return origOnCommand.call(this, command, callback);
};

// Pipelining seen from the server: the command lines that came in the same read as a MAIL.
const origWrite = SMTPStream.prototype._write;
SMTPStream.prototype._write = function (chunk, encoding, done) {
    if (!this._dataMode) {
        const text = chunk.toString('latin1');
        const at = text.search(/^MAIL /im);
        if (at >= 0) out('read ' + (text.slice(at).match(/\r\n/g) || []).length + ' lines from MAIL');
    }
    return origWrite.call(this, chunk, encoding, done);
};

// --delay-reply CMD:MS
const delay = { cmd: '', ms: 0 };
if (opts['delay-reply']) {
    const [c, ms] = String(opts['delay-reply']).split(':');
    delay.cmd = c.toUpperCase();
    delay.ms = parseInt(ms, 10);
}
function later(cmd, fn) {
    if (delay.cmd === cmd) {
        out('delaying the reply to ' + cmd + ' by ' + delay.ms + ' ms');
        setTimeout(fn, delay.ms);
    } else fn();
}

function fmtParams(args) {
    if (!args) return '';
    return Object.keys(args).map(k => (args[k] === true ? k : k + '=' + args[k])).join(' ');
}

const authMethods = opts['auth-methods'] ? String(opts['auth-methods']).toUpperCase().split(/[,\s]+/).filter(Boolean) : [];
const disabled = [];
if (!authMethods.length) disabled.push('AUTH');
const haveCert = !!(opts.cert && opts.key);
if (opts['no-starttls'] || (!haveCert && !opts.secure)) disabled.push('STARTTLS');

const options = {
    secure: !!opts.secure,
    name: opts.name || 'smtp.example.com',
    banner: 'oatemu test server (smtp-server)',
    hideSTARTTLS: !!opts['hide-starttls'],
    hidePIPELINING: !!opts['no-pipelining'],
    hide8BITMIME: !!opts['no-8bitmime'],
    hideSMTPUTF8: !!opts['no-smtputf8'],
    hideDSN: !!opts['no-dsn'],
    hideENHANCEDSTATUSCODES: false,
    authMethods: authMethods.length ? authMethods : ['PLAIN', 'LOGIN'],
    authOptional: !opts['auth-required'],
    allowInsecureAuth: !!opts['allow-insecure-auth'],
    disabledCommands: disabled,
    disableReverseLookup: true,
    maxAllowedUnauthenticatedCommands: false,
    logger: false,
    closeTimeout: 1000,
    onAuth(auth, session, cb) {
        let ok = false;
        switch (auth.method) {
            case 'XOAUTH2':
                ok = auth.username === USER && auth.accessToken === TOKEN;
                break;
            case 'CRAM-MD5':
                ok = auth.username === USER && auth.validatePassword(PASSWORD);
                break;
            default:
                ok = auth.username === USER && auth.password === PASSWORD;
        }
        out('AUTH ' + auth.method + ' ' + (ok ? 'ok' : 'failed') + ' user=' + auth.username);
        if (!ok) {
            if (auth.method === 'XOAUTH2') {
                return cb(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' } });
            }
            return cb(new Error('Invalid username or password'));
        }
        session.authMethod = auth.method;
        cb(null, { user: auth.username });
    },
    onSecure(socket, session, cb) {
        out('TLS established ' + (session.tlsOptions ? session.tlsOptions.name || '' : '') +
            (socket.getProtocol ? ' ' + socket.getProtocol() : '') +
            (socket.getCipher ? ' ' + socket.getCipher().name : ''));
        cb();
    },
    onMailFrom(address, session, cb) {
        if (opts['fail-mail'] && address.address.toLowerCase() === String(opts['fail-mail']).toLowerCase()) {
            out('refused sender ' + address.address);
            const err = new Error('<' + address.address + '>: sender refused');
            err.responseCode = 550;
            return cb(err);
        }
        cb();
    },
    onRcptTo(address, session, cb) {
        if (opts['fail-rcpt'] && address.address.toLowerCase() === String(opts['fail-rcpt']).toLowerCase()) {
            out('refused recipient ' + address.address);
            const err = new Error('<' + address.address + '>: recipient refused');
            err.responseCode = 550;
            return cb(err);
        }
        cb();
    },
    onData(stream, session, cb) {
        const chunks = [];
        stream.on('data', c => chunks.push(c));
        stream.on('error', err => out('data stream error ' + err.message));
        stream.on('end', () => {
            const raw = Buffer.concat(chunks);
            if (stream.sizeExceeded) {
                out('rejected oversized message (' + raw.length + ' bytes)');
                const err = new Error('Error: message exceeds fixed maximum message size');
                err.responseCode = 552;
                return cb(err);
            }
            if (opts['fail-data']) {
                const code = parseInt(opts['fail-data'], 10);
                out('refused data ' + code);
                const err = new Error('message refused (--fail-data)');
                err.responseCode = code;
                return cb(err);
            }
            count += 1;
            const base = path.join(spool, String(count).padStart(4, '0'));
            const env = session.envelope;
            fs.writeFileSync(base + '.eml', raw);
            const i = raw.indexOf('\r\n\r\n');
            fs.writeFileSync(base + '.body', i >= 0 ? raw.subarray(i + 4) : Buffer.alloc(0));
            const lines = [
                'from: ' + (env.mailFrom ? env.mailFrom.address : ''),
                'to: ' + env.rcptTo.map(r => r.address).join(','),
                'mail-params: ' + fmtParams(env.mailFrom && env.mailFrom.args),
            ];
            for (const r of env.rcptTo) lines.push(('rcpt: ' + r.address + ' ' + fmtParams(r.args)).trimEnd());
            lines.push('auth: ' + (session.user ? (session.authMethod || '?') + ' ' + session.user : '-'));
            lines.push('tls: ' + (session.secure ? 'yes' : 'no'));
            fs.writeFileSync(base + '.env', lines.join('\n') + '\n');
            out('received ' + base + '.eml (' + raw.length + ' bytes)');
            later('.', () => cb(null, 'OK message ' + count + ' queued'));
        });
    },
};
if (opts.size) {
    options.size = parseInt(opts.size, 10);
    options.rejectOversized = true;
}
if (opts.ciphers) options.ciphers = String(opts.ciphers);
if (opts['min-tls']) options.minVersion = String(opts['min-tls']);
if (opts['max-tls']) options.maxVersion = String(opts['max-tls']);
if (haveCert) {
    options.cert = fs.readFileSync(opts.cert);
    options.key = fs.readFileSync(opts.key);
}

const server = new SMTPServer(options);
server.on('error', err => out('error ' + (err.code ? err.code + ' ' : '') + err.message));
server.listen(parseInt(opts.port || '0', 10), '127.0.0.1', () => {
    out('listening on 127.0.0.1:' + server.server.address().port);
});

function stop() {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1500).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
