// smtp_modern_test.cpp: the SMTP client's extensions against the npm smtp-server (installed
// by tests/smtp-servers/setup.sh): STARTTLS and implicit TLS with the Security library,
// modern AUTH methods, no credentials when STARTTLS is required and missing, attachments.
#include "wip_fixture.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace {

std::string slurp(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// node tests/smtp-servers/node_server.js with its options, on a free port; stopped at the end.
class NodeSmtp {
public:
    explicit NodeSmtp(const std::string &dir, const std::string &options)
    {
        static int instance;
        dir_ = dir + "/run" + std::to_string(++instance);   // its own log and spool
        log_ = dir_ + ".log";
        std::string cmd = "exec node " OATEMU_SOURCE_DIR "/tests/smtp-servers/node_server.js --port 0"
                          " --spool " + dir_ + " --cert " + dir + "/pki/server.pem --key " +
                          dir + "/pki/server.key " + options + " >" + log_ + " 2>&1";
        pid_ = fork();
        if (pid_ == 0) {
            execl("/bin/sh", "sh", "-c", cmd.c_str(), (char *)nullptr);
            _exit(127);
        }
        for (int i = 0; i < 200 && port_ == 0; i++) {
            std::string l = slurp(log_);
            size_t at = l.find("listening on 127.0.0.1:");
            if (at != std::string::npos)
                port_ = std::atoi(l.c_str() + at + 23);
            else
                usleep(25000);   // the server starts as a separate process: bounded polling
        }
    }
    ~NodeSmtp()
    {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
    }
    int port() const { return port_; }
    std::string log() const { return slurp(log_); }
    std::string message(int n) const
    {
        char name[32];
        snprintf(name, sizeof name, "/%04d.eml", n);
        return slurp(dir_ + name);
    }

private:
    std::string dir_, log_;
    pid_t pid_ = -1;
    int port_ = 0;
};

class SmtpModern : public WipTest {
protected:
    static inline std::string dir;
    char ctx = 's';
    wip_channel_t session = nullptr;
    u32 code = 0;

    static void SetUpTestSuite()
    {
        char tmpl[] = "/tmp/oatemu-smtp-modern-XXXXXX";
        dir = mkdtemp(tmpl);
        std::string cmd = "/usr/bin/python3 " OATEMU_SOURCE_DIR "/scripts/smtp_server.py --make-pki " +
                          dir + "/pki >/dev/null 2>&1";
        ASSERT_EQ(0, std::system(cmd.c_str()));
    }
    static void TearDownTestSuite() { std::system(("rm -rf " + dir).c_str()); }
    void SetUp() override {}

    bool node_ready()
    {
        return access(OATEMU_SOURCE_DIR "/tests/smtp-servers/node_modules/smtp-server", F_OK) == 0;
    }
    void boot_to(int port)
    {
        boot({ "--host-map=smtp.example.com:25=127.0.0.1:" + std::to_string(port) });
        start_bearer();
        std::string ca = dir + "/pki/ca.pem";
        task([&] { ASSERT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_FILE, ca.c_str(),
                                                WIP_COPT_END)); });
    }
    // One mail through the session once it is open; the session is closed at DONE or ERROR.
    void mail_on_open(const char *body)
    {
        on_event = [this, body](wip_event_t *ev, void *c) {
            if (c != &ctx)
                return;
            ascii *text = nullptr;
            wip_getOpts(ev->channel, WIP_COPT_SMTP_STATUS_CODE, &code, &text, WIP_COPT_END);
            if (ev->kind == WIP_CEV_OPEN) {
                wip_channel_t d = wip_putFileOpts(ev->channel, NULL, data_handler, (void *)body,
                                                  WIP_COPT_SMTP_SENDER, "dev@example.com",
                                                  WIP_COPT_SMTP_REC, "rcpt@example.com",
                                                  WIP_COPT_SMTP_SUBJ, "modern",
                                                  WIP_COPT_SMTP_ATTACH, "note.txt", "text/plain",
                                                  "attached", 8, WIP_COPT_END);
                ASSERT_NE(nullptr, d);
            } else if (ev->kind == WIP_CEV_DONE || ev->kind == WIP_CEV_ERROR) {
                wip_close(ev->channel);
            }
        };
    }
    static void data_handler(wip_event_t *ev, void *body)
    {
        if (ev->kind == WIP_CEV_WRITE) {
            const char *b = static_cast<const char *>(body);
            ASSERT_EQ((int)strlen(b), wip_write(ev->channel, b, (u32)strlen(b)));
            wip_close(ev->channel);
        }
    }
    bool ended() { return count(WIP_CEV_DONE, session) + count(WIP_CEV_ERROR, session) > 0; }
};

TEST_F(SmtpModern, StarttlsRequiredUpgradesEhloesAgainAndAuthenticatesWithCramMd5)
{
    if (!node_ready())
        GTEST_SKIP() << "tests/smtp-servers/setup.sh was not run (npm smtp-server)";
    NodeSmtp server(dir, "--auth-methods PLAIN,LOGIN,CRAM-MD5");
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("Hello over STARTTLS\n");
    task([&] {
        session = wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                           WIP_COPT_SMTP_SECURITY, WIP_SMTP_SEC_STARTTLS,
                                           WIP_COPT_USER, "mailer", WIP_COPT_PASSWORD, "s3cret",
                                           WIP_COPT_SMTP_AUTH_TYPE, WIP_SMTP_AUTH_CRAM_MD5,
                                           WIP_COPT_END);
    });
    ASSERT_TRUE(wait_until([&] { return ended(); }, 15000));
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces();
    std::string log = server.log();
    size_t tls = log.find("STARTTLS"), auth = log.find("AUTH CRAM-MD5 ok");
    ASSERT_NE(std::string::npos, tls);
    ASSERT_NE(std::string::npos, auth);
    EXPECT_LT(tls, auth) << "credentials only after TLS";
    EXPECT_NE(std::string::npos, log.find("EHLO", tls)) << "EHLO again after STARTTLS";
    std::string msg = server.message(1);
    EXPECT_NE(std::string::npos, msg.find("Hello over STARTTLS"));
    EXPECT_NE(std::string::npos, msg.find("filename=\"note.txt\""));
}

TEST_F(SmtpModern, StarttlsRequiredButNotOfferedFailsAndSendsNoCredentials)
{
    if (!node_ready())
        GTEST_SKIP() << "tests/smtp-servers/setup.sh was not run (npm smtp-server)";
    NodeSmtp server(dir, "--hide-starttls --auth-methods PLAIN --allow-insecure-auth");
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("never sent\n");
    task([&] {
        session = wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                           WIP_COPT_SMTP_SECURITY, WIP_SMTP_SEC_STARTTLS,
                                           WIP_COPT_USER, "mailer", WIP_COPT_PASSWORD, "s3cret",
                                           WIP_COPT_SMTP_AUTH_TYPE, WIP_SMTP_AUTH_PLAIN,
                                           WIP_COPT_END);
    });
    ASSERT_TRUE(wait_until([&] { return ended(); }, 15000));
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session));
    EXPECT_EQ(WIP_SMTP_ERR_TLS, last(WIP_CEV_ERROR, session)->err);
    EXPECT_EQ(std::string::npos, server.log().find("AUTH")) << "no credentials without TLS";
}

TEST_F(SmtpModern, ImplicitTlsWithXoauth2DeliversTheMail)
{
    if (!node_ready())
        GTEST_SKIP() << "tests/smtp-servers/setup.sh was not run (npm smtp-server)";
    NodeSmtp server(dir, "--secure --auth-methods XOAUTH2");
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("Hello over implicit TLS\n");
    task([&] {
        session = wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                           WIP_COPT_SMTP_SECURITY, WIP_SMTP_SEC_TLS,
                                           WIP_COPT_USER, "mailer", WIP_COPT_PASSWORD, "tok123",
                                           WIP_COPT_SMTP_AUTH_TYPE, WIP_SMTP_AUTH_XOAUTH2,
                                           WIP_COPT_END);
    });
    ASSERT_TRUE(wait_until([&] { return ended(); }, 15000));
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces();
    EXPECT_NE(std::string::npos, server.log().find("AUTH XOAUTH2 ok"));
    EXPECT_NE(std::string::npos, server.message(1).find("Hello over implicit TLS"));
}

TEST_F(SmtpModern, AuthBestPicksCramMd5AndANamedMethodNotOfferedIsRefused)
{
    if (!node_ready())
        GTEST_SKIP() << "tests/smtp-servers/setup.sh was not run (npm smtp-server)";
    NodeSmtp server(dir, "--auth-methods PLAIN,CRAM-MD5");
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("best\n");
    task([&] {
        session = wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                           WIP_COPT_SMTP_SECURITY, WIP_SMTP_SEC_STARTTLS,
                                           WIP_COPT_USER, "mailer", WIP_COPT_PASSWORD, "s3cret",
                                           WIP_COPT_SMTP_AUTH_TYPE, WIP_SMTP_AUTH_BEST,
                                           WIP_COPT_END);
    });
    ASSERT_TRUE(wait_until([&] { return ended(); }, 15000));
    EXPECT_EQ(1, count(WIP_CEV_DONE, session)) << traces();
    EXPECT_NE(std::string::npos, server.log().find("AUTH CRAM-MD5 ok"));

    events.clear();
    task([&] {
        session = wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                           WIP_COPT_SMTP_SECURITY, WIP_SMTP_SEC_STARTTLS,
                                           WIP_COPT_USER, "mailer", WIP_COPT_PASSWORD, "s3cret",
                                           WIP_COPT_SMTP_AUTH_TYPE, WIP_SMTP_AUTH_XOAUTH2,
                                           WIP_COPT_END);
    });
    ASSERT_TRUE(wait_until([&] { return ended(); }, 15000));
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session));
    EXPECT_EQ(WIP_SMTP_ERR_AUTH, last(WIP_CEV_ERROR, session)->err);
}

}  // namespace
