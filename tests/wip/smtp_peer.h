// smtp_peer.h: a real SMTP server for the SMTP suite: Debian's aiosmtpd run by
// /usr/bin/python3 on 127.0.0.1 (a free port, announced as "PORT <n>" on stdout). Every
// accepted mail is stored in a temp dir (<n>.env: "FROM <addr>" and "RCPT <addr>" lines,
// <n>.eml: the raw content after dot-unstuffing, <n>.done written last); a log file records
// connections, EHLO, AUTH results and QUIT. Options: AUTH required (user/password), one recipient
// refused with 550, the connection dropped in the middle of DATA once, the end of DATA
// answered with 554. Killed and reaped by the destructor.
#ifndef SMTP_PEER_H
#define SMTP_PEER_H

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

struct SmtpPeerOptions {
    std::string user, password;   // non-empty user: AUTH required
    std::string reject_rcpt;      // this recipient gets 550
    bool drop_in_data_once = false;
    bool reject_data_end = false; // 554 after the end of data
};

class SmtpPeer {
public:
    using Options = SmtpPeerOptions;
    struct Mail {
        std::string from;
        std::vector<std::string> rcpt;
        std::string content;
    };

    explicit SmtpPeer(const Options &o = Options())
    {
        char tmpl[] = "/tmp/oatemu-smtp-XXXXXX";
        dir_ = mkdtemp(tmpl) ? tmpl : "";
        std::vector<std::string> args{ "/usr/bin/python3", "-c", script(), dir_ };
        if (!o.user.empty())
            args.push_back("auth=" + o.user + ":" + o.password);
        if (!o.reject_rcpt.empty())
            args.push_back("reject=" + o.reject_rcpt);
        if (o.drop_in_data_once)
            args.push_back("drop");
        if (o.reject_data_end)
            args.push_back("reject-end");
        int out[2];
        if (dir_.empty() || pipe2(out, O_CLOEXEC) != 0)
            return;
        std::vector<char *> argv;   // built before fork: the child only dup2s and execs
        for (auto &a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_ = fork();
        if (pid_ == 0) {
            dup2(out[1], 1);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(out[1]);
        // Read "PORT <n>\n" (bounded: 20 s for a cold Python start).
        std::string line;
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < until) {
            pollfd p{ out[0], POLLIN, 0 };
            if (poll(&p, 1, 200) <= 0)
                continue;
            char buf[64];
            ssize_t n = read(out[0], buf, sizeof buf);
            if (n <= 0)
                break;
            line.append(buf, (size_t)n);
        }
        close(out[0]);
        if (line.rfind("PORT ", 0) == 0)
            port_ = atoi(line.c_str() + 5);
    }
    ~SmtpPeer()
    {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (!dir_.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
        }
    }
    SmtpPeer(const SmtpPeer &) = delete;
    SmtpPeer &operator=(const SmtpPeer &) = delete;

    int port() const { return port_; }
    // Mails stored so far (complete ones).
    int mails() const
    {
        int n = 0;
        while (std::filesystem::exists(dir_ + "/" + std::to_string(n + 1) + ".done"))
            n++;
        return n;
    }
    Mail mail(int i) const   // 1-based
    {
        Mail m;
        std::ifstream env(dir_ + "/" + std::to_string(i) + ".env");
        std::string l;
        while (std::getline(env, l)) {
            if (l.rfind("FROM ", 0) == 0)
                m.from = l.substr(5);
            else if (l.rfind("RCPT ", 0) == 0)
                m.rcpt.push_back(l.substr(5));
        }
        m.content = slurp(dir_ + "/" + std::to_string(i) + ".eml");
        return m;
    }
    std::string log() const { return slurp(dir_ + "/log"); }
    int count_in_log(const std::string &what) const
    {
        std::istringstream in(log());
        std::string l;
        int n = 0;
        while (std::getline(in, l))
            n += l == what;
        return n;
    }

private:
    static std::string slurp(const std::string &path)
    {
        std::ifstream f(path, std::ios::binary);
        std::ostringstream s;
        s << f.rdbuf();
        return s.str();
    }
    static std::string script()
    {
        return R"PY(
import asyncio, logging, os, sys, warnings
warnings.simplefilter('ignore')
logging.disable(logging.CRITICAL)
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

outdir = sys.argv[1]
opts = {}
for a in sys.argv[2:]:
    k, _, v = a.partition('=')
    opts[k] = v
auth = opts.get('auth')
state = {'n': 0, 'drop': 'drop' in opts}

def log(line):
    with open(os.path.join(outdir, 'log'), 'a') as f:
        f.write(line + '\n')

def authenticator(server, session, envelope, mechanism, data):
    ok = (isinstance(data, LoginPassword) and auth is not None and
          data.login.decode() + ':' + data.password.decode() == auth)
    log('AUTH %s %s' % (mechanism, 'ok' if ok else 'bad'))
    return AuthResult(success=ok, handled=False)

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if opts.get('reject') and address == opts['reject']:
            return '550 5.1.1 <%s>: no such user' % address
        envelope.rcpt_tos.append(address)
        return '250 OK'
    async def handle_DATA(self, server, session, envelope):
        if 'reject-end' in opts:
            log('REJECTED')
            return '554 5.6.0 message refused by policy'
        state['n'] += 1
        base = os.path.join(outdir, str(state['n']))
        with open(base + '.env', 'w') as f:
            f.write('FROM %s\n' % envelope.mail_from)
            for r in envelope.rcpt_tos:
                f.write('RCPT %s\n' % r)
        with open(base + '.eml', 'wb') as f:
            f.write(envelope.original_content)
        open(base + '.done', 'w').close()
        log('MAIL %d' % state['n'])
        return '250 2.0.0 OK queued as %d' % state['n']
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        log('EHLO %s' % hostname)
        session.host_name = hostname
        return responses
    async def handle_QUIT(self, server, session, envelope):
        log('QUIT')
        return '221 Bye'

class Server(SMTP):
    def connection_made(self, transport):
        log('CONNECT')
        super().connection_made(transport)
    async def smtp_DATA(self, arg):
        if state['drop'] and self.envelope.rcpt_tos:
            state['drop'] = False
            await self.push('354 End data with <CR><LF>.<CR><LF>')
            await self._reader.read(1)
            log('DROPPED')
            self.transport.close()
            self._reader.feed_eof()
            await self._reader.read()
            return
        await super().smtp_DATA(arg)

def factory():
    kw = dict(hostname='mail.test')
    if auth is not None:
        kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    return Server(Handler(), **kw)

async def main():
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(factory, '127.0.0.1', 0)
    print('PORT %d' % srv.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
)PY";
    }

    std::string dir_;
    pid_t pid_ = -1;
    int port_ = 0;
};

#endif
