// ftp_suite.h: the FTP (and POP3) client suites' fixture: a real FTP server (tests/ftp-servers, run by
// smtp_servers.h's SpoolServer: its --spool directory is the server's root) behind
// ftp.example.com:21, a session created in the application task, and one transfer at a time
// through wip_getFile / wip_putFile data channels: a download read on READ events up to
// PEER_CLOSE, an upload written on WRITE events then closed; the session's DONE or ERROR
// ends each step.
#ifndef FTP_SUITE_H
#define FTP_SUITE_H

#include "process_resources.h"
#include "smtp_servers.h"

#include "wip_ftp.h"

#include <dirent.h>

// Bytes that show a misplaced or lost piece: a 32-bit LCG's high bytes.
inline std::string pattern_bytes(size_t n, unsigned seed = 1)
{
    std::string s(n, '\0');
    uint32_t x = seed;
    for (size_t i = 0; i < n; i++) {
        x = x * 1664525u + 1013904223u;
        s[i] = (char)(x >> 24);
    }
    return s;
}

inline void spit(const std::string &path, const std::string &bytes)
{
    std::ofstream f(path, std::ios::binary);
    f << bytes;
}

class FtpSuite : public WipTest {
protected:
    static inline std::string dir;
    char sctx = 's';
    char dctx = 'd';
    wip_channel_t session = nullptr;
    wip_channel_t data = nullptr;
    std::string got;             // what the download read
    std::string body;            // what the upload writes
    size_t written = 0;
    bool data_closed = false;
    bool hold_reads = false;     // READ events leave the bytes waiting (a slow application)
    int results = 0;             // the session's DONE and ERROR events

    static void SetUpTestSuite()
    {
        char tmpl[] = "/tmp/oatemu-ftp-suite-XXXXXX";
        dir = mkdtemp(tmpl);
        chmod(dir.c_str(), 0755);
    }
    static void TearDownTestSuite() { std::system(("rm -rf " + dir).c_str()); }
    void SetUp() override {}

    // The root directory a server of tests/ftp-servers printed ("root DIR").
    static std::string root_of(const SpoolServer &server)
    {
        std::string log = "\n" + server.log();
        size_t at = log.find("\nroot "), end = log.find('\n', at + 1);
        return at == std::string::npos ? "" : log.substr(at + 6, end - at - 6);
    }
    static std::string script(const char *name)
    {
        return std::string("/usr/bin/python3 " OATEMU_SOURCE_DIR "/tests/ftp-servers/") + name;
    }
    // The server behind name:port (the POP3 suite uses this fixture too).
    void boot_to(int port, const std::string &name = "ftp.example.com:21")
    {
        boot({ "--host-map=" + name + "=127.0.0.1:" + std::to_string(port) });
        start_bearer();
        on_event = [this](wip_event_t *ev, void *c) {
            if (c == &dctx)
                on_data(ev);
            else if (c == &sctx && (ev->kind == WIP_CEV_DONE || ev->kind == WIP_CEV_ERROR))
                results++;
        };
    }
    void on_data(wip_event_t *ev)
    {
        if (data_closed)
            return;
        if (ev->kind == WIP_CEV_READ && hold_reads)
            return;
        if (ev->kind == WIP_CEV_READ) {
            char buf[16384];
            int n;
            while ((n = wip_read(ev->channel, buf, sizeof buf)) > 0)
                got.append(buf, (size_t)n);
        } else if (ev->kind == WIP_CEV_PEER_CLOSE || ev->kind == WIP_CEV_ERROR) {
            char buf[16384];
            int n;
            while (ev->kind == WIP_CEV_PEER_CLOSE && (n = wip_read(ev->channel, buf, sizeof buf)) > 0)
                got.append(buf, (size_t)n);
            data_closed = true;
            wip_close(ev->channel);
        } else if (ev->kind == WIP_CEV_WRITE) {
            while (written < body.size()) {
                int n = wip_write(ev->channel, body.data() + written,
                                  (u32)std::min<size_t>(body.size() - written, 8192));
                if (n <= 0)
                    return;              // the next WRITE event goes on (or ERROR follows)
                written += (size_t)n;
            }
            data_closed = true;
            wip_close(ev->channel);
        }
    }
    // A session with these options; waits for its OPEN (or ERROR: false).
    bool open_session(std::function<wip_channel_t()> make)
    {
        task([&] { session = make(); });
        if (!session)
            return false;
        return wait_until([&] { return count(WIP_CEV_OPEN, session) + count(WIP_CEV_ERROR, session) > 0; },
                          20000) &&
               count(WIP_CEV_OPEN, session) == 1;
    }
    bool open_user_session(bool passive, char type = 'I', const char *password = "s3cret")
    {
        return open_session([=] {
            return wip_FTPCreateOpts("ftp.example.com", handler, &sctx, WIP_COPT_USER, "module",
                                     WIP_COPT_PASSWORD, password, WIP_COPT_TYPE, type,
                                     WIP_COPT_PASSIVE, passive, WIP_COPT_END);
        });
    }
    // Starts a transfer and waits for its result on the session: the result's errnum (0: DONE).
    int transfer(std::function<wip_channel_t()> open)
    {
        int before = results;
        got.clear();
        written = 0;
        data_closed = false;
        task([&] { data = open(); });
        if (!data)
            return INT32_MIN;
        if (!wait_until([&] { return results > before && data_closed; }, 60000))
            return INT32_MIN + 1;
        const WipEv *e = events.find_last([&](const WipEv &x) {
            return x.ch == session && (x.kind == WIP_CEV_DONE || x.kind == WIP_CEV_ERROR);
        });
        return e->kind == WIP_CEV_DONE ? 0 : e->err;
    }
    int get(const char *path)
    {
        return transfer([=] { return wip_getFile(session, path, handler, &dctx); });
    }
    int put(const char *path, std::string bytes)
    {
        body = std::move(bytes);
        return transfer([=] { return wip_putFile(session, path, handler, &dctx); });
    }
    u32 status()
    {
        u32 code = 0;
        ascii *text = nullptr;
        task([&] { wip_getOpts(session, WIP_COPT_FTP_STATUS_CODE, &code, &text, WIP_COPT_END); });
        return code;
    }
    void close_session()
    {
        task([&] { wip_close(session); });
    }
    // Close the session and wait for its finalizer; the emulated ms it took (-1: none came).
    long long close_until_released()
    {
        released = 0;
        long long closed_ms = oat_shim_now_ms();
        close_session();
        return wait_until([&] { return released > 0; }) ? released_ms - closed_ms : -1;
    }
};

#endif
