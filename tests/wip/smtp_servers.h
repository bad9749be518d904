// smtp_servers.h: the SMTP extension suites' common parts. SpoolServer runs one of the test
// servers of tests/smtp-servers (npm smtp-server, chunking_server.py, aiosmtpd through
// scripts/smtp_server.py) on 127.0.0.1, reads its port from "listening on HOST:PORT" and
// its spool (NNNN.eml/.body/.env) and log; SmtpSuite is the fixture: a PKI made once per
// suite, the emulator booted with the server behind smtp.example.com:25, one session created
// with the options of the test and one mail per data channel, its body written on WRITE events.
#ifndef SMTP_SERVERS_H
#define SMTP_SERVERS_H

#include "wip_fixture.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

inline std::string slurp(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Line ends as the SMTP client sends them: CRLF, a bare LF or a bare CR made CRLF.
inline std::string crlf(const std::string &in)
{
    std::string out;
    for (size_t i = 0; i < in.size(); i++) {
        if (in[i] == '\r') {
            out += "\r\n";
            if (i + 1 < in.size() && in[i + 1] == '\n')
                i++;
        } else if (in[i] == '\n') {
            out += "\r\n";
        } else {
            out += in[i];
        }
    }
    return out;
}

class SpoolServer {
public:
    // Runs "command --port 0 --spool DIR/runN options".
    SpoolServer(const std::string &dir, const std::string &command, const std::string &options = "")
    {
        static int instance;
        spool_ = dir + "/run" + std::to_string(++instance);
        log_ = spool_ + ".log";
        std::string cmd = "exec " + command + " --port 0 --spool " + spool_ + " " + options + " >" +
                          log_ + " 2>&1";
        pid_ = fork();
        if (pid_ == 0) {
            execl("/bin/sh", "sh", "-c", cmd.c_str(), (char *)nullptr);
            _exit(127);
        }
        for (int i = 0; i < 400 && port_ == 0; i++) {
            std::string l = slurp(log_);
            size_t at = l.find("listening on "), end = l.find('\n', at);
            if (at != std::string::npos && end != std::string::npos)
                port_ = std::atoi(l.c_str() + l.rfind(':', end) + 1);
            else
                usleep(25000);   // a separate process starting: bounded polling, 10 s at most
        }
    }
    ~SpoolServer()
    {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
    }
    SpoolServer(const SpoolServer &) = delete;
    SpoolServer &operator=(const SpoolServer &) = delete;

    int port() const { return port_; }
    std::string log() const { return slurp(log_); }
    std::string file(int n, const char *ext) const
    {
        char name[32];
        snprintf(name, sizeof name, "/%04d.%s", n, ext);
        return spool_ + name;
    }
    std::string message(int n) const { return slurp(file(n, "eml")); }
    std::string body(int n) const { return slurp(file(n, "body")); }
    std::string env(int n) const { return slurp(file(n, "env")); }
    bool stored(int n) const { return access(file(n, "eml").c_str(), F_OK) == 0; }
    // Log lines starting with what.
    int count(const std::string &what) const
    {
        std::string l = "\n" + log();
        int n = 0;
        for (size_t at = 0; (at = l.find("\n" + what, at)) != std::string::npos; at++)
            n++;
        return n;
    }
    int received() const { return count("received "); }

private:
    std::string spool_, log_;
    pid_t pid_ = -1;
    int port_ = 0;
};

inline std::string node_server(const std::string &pki, const std::string &options)
{
    return "node " OATEMU_SOURCE_DIR "/tests/smtp-servers/node_server.js --cert " + pki +
           "/server.pem --key " + pki + "/server.key " + options;
}

inline bool node_ready()
{
    return access(OATEMU_SOURCE_DIR "/tests/smtp-servers/node_modules/smtp-server", F_OK) == 0;
}

// The MIME structure of a stored message as Python's email package parses it: one line per
// part ("N type filename bytes"), the decoded payloads written to outdir/N.
inline std::string mime_parts(const std::string &eml, const std::string &outdir)
{
    std::string cmd = "/usr/bin/python3 -c '\n"
                      "import email, email.policy, os, sys\n"
                      "m = email.message_from_binary_file(open(sys.argv[1], \"rb\"), policy=email.policy.default)\n"
                      "os.makedirs(sys.argv[2], exist_ok=True)\n"
                      "for i, p in enumerate(m.walk()):\n"
                      "    data = b\"\" if p.is_multipart() else p.get_payload(decode=True)\n"
                      "    open(os.path.join(sys.argv[2], str(i)), \"wb\").write(data)\n"
                      "    print(i, p.get_content_type(), p.get_filename() or \"-\", len(data))\n"
                      "' " + eml + " " + outdir;
    std::string result;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p)
        return result;
    char buf[512];
    while (fgets(buf, sizeof buf, p))
        result += buf;
    pclose(p);
    return result;
}

class SmtpSuite : public WipTest {
protected:
    static inline std::string dir;
    char ctx = 's';
    char dctx = 'd';
    wip_channel_t session = nullptr;
    wip_channel_t data = nullptr;
    std::string body;            // what the data channel writes
    size_t written = 0;
    bool data_closed = false;
    int write_error = 0;         // a wip_write that failed (a WRITE event queued before an ERROR)
    u32 end_code = 0;            // WIP_COPT_SMTP_STATUS_CODE at the session's DONE or ERROR
    std::string end_text;
    // Opens the mail's data channel once the session is open: wip_putFileOpts(session, NULL,
    // handler, &dctx, options...).
    std::function<wip_channel_t(wip_channel_t)> open_mail;
    // A streamed attachment: the body's bytes from stream_at on go into it (ATTACH_BEGIN).
    size_t stream_at = std::string::npos;
    const char *stream_name = "stream.bin";
    bool stream_begun = false;

    static void SetUpTestSuite()
    {
        char tmpl[] = "/tmp/oatemu-smtp-suite-XXXXXX";
        dir = mkdtemp(tmpl);
        chmod(dir.c_str(), 0755);   // smtp-sink runs as nobody when the tests run as root
        std::string cmd = "/usr/bin/python3 " OATEMU_SOURCE_DIR "/scripts/smtp_server.py --make-pki " +
                          dir + "/pki >/dev/null 2>&1";
        ASSERT_EQ(0, std::system(cmd.c_str()));
    }
    static void TearDownTestSuite() { std::system(("rm -rf " + dir).c_str()); }
    void SetUp() override {}

    std::string pki() const { return dir + "/pki"; }
    void boot_to(int port)
    {
        boot({ "--host-map=smtp.example.com:25=127.0.0.1:" + std::to_string(port) });
        start_bearer();
        std::string ca = pki() + "/ca.pem";
        task([&] { ASSERT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_FILE, ca.c_str(),
                                                WIP_COPT_END)); });
    }
    // A plain mail from dev@example.com to rcpt@example.com (the default open_mail).
    wip_channel_t plain_mail(wip_channel_t s)
    {
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER,
                               "dev@example.com", WIP_COPT_SMTP_REC, "rcpt@example.com",
                               WIP_COPT_SMTP_SUBJ, "oatemu", WIP_COPT_END);
    }
    // The session's events: OPEN sends the mail (once), DONE or ERROR closes the session
    // unless keep_open.
    void mail_on_open(std::string text, bool keep_open = false)
    {
        body = std::move(text);
        written = 0;
        data_closed = false;
        write_error = 0;
        data = nullptr;
        end_code = 0;
        end_text.clear();
        on_event = [this, keep_open](wip_event_t *ev, void *c) {
            if (c == &dctx) {
                on_data(ev);
                return;
            }
            if (c != &ctx)
                return;
            if (ev->kind == WIP_CEV_OPEN) {
                data = open_mail ? open_mail(ev->channel) : plain_mail(ev->channel);
                ASSERT_NE(nullptr, data) << traces();
            } else if (ev->kind == WIP_CEV_DONE || ev->kind == WIP_CEV_ERROR) {
                ascii *text = nullptr;
                wip_getOpts(ev->channel, WIP_COPT_SMTP_STATUS_CODE, &end_code, &text, WIP_COPT_END);
                end_text = text ? text : "";
                if (!keep_open)
                    wip_close(ev->channel);
            }
        };
    }
    void on_data(wip_event_t *ev)
    {
        if (ev->kind == WIP_CEV_ERROR && !data_closed) {
            data_closed = true;
            wip_close(ev->channel);
        }
        if (ev->kind != WIP_CEV_WRITE || data_closed)
            return;
        while (written < body.size()) {
            size_t end = written < stream_at ? std::min(stream_at, body.size()) : body.size();
            if (written == stream_at && !stream_begun && (stream_begun = true))
                ASSERT_EQ(0, wip_setOpts(ev->channel, WIP_COPT_SMTP_ATTACH_BEGIN, stream_name,
                                         "application/octet-stream", WIP_COPT_END));
            u32 chunk = (u32)std::min<size_t>(end - written, 4096);
            int n = wip_write(ev->channel, body.data() + written, chunk);
            if (n < 0) {                 // failed meanwhile: its ERROR event follows
                write_error = n;
                return;
            }
            if (n == 0)
                return;                  // the next WRITE event goes on
            written += (size_t)n;
        }
        data_closed = true;
        wip_close(ev->channel);
    }
    void create(std::function<wip_channel_t()> make)
    {
        task([&] { session = make(); });
        ASSERT_NE(nullptr, session) << traces();
    }
    bool ended() { return count(WIP_CEV_DONE, session) + count(WIP_CEV_ERROR, session) > 0; }
    u32 status(std::string *text = nullptr)
    {
        u32 code = 0;
        ascii *t = nullptr;
        task([&] { wip_getOpts(session, WIP_COPT_SMTP_STATUS_CODE, &code, &t, WIP_COPT_END); });
        if (text && t)
            *text = t;
        return code;
    }
};

#endif
