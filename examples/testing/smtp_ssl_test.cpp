// smtp_ssl_test.cpp: apps/smtp_ssl under the test kit against a real server: the test starts
// aiosmtpd (scripts/smtp_server.py, implicit TLS, its own throw-away PKI) on a free 127.0.0.1
// port, maps smtp.example.com:465 to it, types the application's AT commands and checks what
// the server received. The module runs in real time here: a mail is host network I/O.
#include "oatemu/gtest.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
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

// What send() returns when no +SMTPSEND came: no WIP code (WIP_CERR_ABORTED is -1000).
constexpr int kNoAnswer = -1000000;

std::string python() { return std::string("/usr/bin/python3 ") + SMTP_SERVER_PY; }

// One smtp_server.py run: started with the suite's PKI and the mailer/s3cret account, stopped
// with the object. port() is 0 when it did not start.
class Aiosmtpd {
public:
    Aiosmtpd(const std::string &pki, const std::string &spool, const std::string &options)
        : spool_(spool), log_(spool + ".log")
    {
        std::string cmd = "exec " + python() + " --port 0 --cert " + pki + "/server.pem --key " +
                          pki + "/server.key --spool " + spool +
                          " --user mailer --password s3cret " + options + " >" + log_ + " 2>&1";
        pid_ = fork();
        if (pid_ == 0) {
            execl("/bin/sh", "sh", "-c", cmd.c_str(), (char *)nullptr);
            _exit(127);
        }
        // A separate process starting: its log is polled, 20 s at most.
        for (int i = 0; i < 800 && !port_; i++) {
            std::string l = slurp(log_);
            size_t at = l.find("listening on 127.0.0.1:");
            if (at != std::string::npos && l.find('\n', at) != std::string::npos)
                port_ = std::atoi(l.c_str() + at + 23);
            else
                usleep(25000);
        }
    }
    ~Aiosmtpd()
    {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    Aiosmtpd(const Aiosmtpd &) = delete;
    Aiosmtpd &operator=(const Aiosmtpd &) = delete;

    int port() const { return port_; }
    std::string log() const { return slurp(log_); }
    // The body of the n-th mail received (1-based), as the server stored it.
    std::string body(int n) const
    {
        char name[16];
        std::snprintf(name, sizeof name, "/%04d.body", n);
        return slurp(spool_ + name);
    }

private:
    std::string spool_, log_;
    pid_t pid_ = -1;
    int port_ = 0;
};

class SmtpSsl : public oatemu::ModuleTest {
protected:
    static inline std::string work;

    static void SetUpTestSuite()
    {
        char dir[] = "/tmp/oatemu-kit-smtp-XXXXXX";
        ASSERT_NE(nullptr, mkdtemp(dir));
        work = dir;
        ASSERT_EQ(0, std::system((python() + " --make-pki " + work + "/pki >/dev/null").c_str()));
    }
    static void TearDownTestSuite() { std::system(("rm -rf " + work).c_str()); }

    // The server's options for this fixture ("--drop-during-data"...).
    virtual std::string server_options() const { return ""; }

    std::vector<std::string> flags() const override
    {
        return { "--clock=real", "--bearer=delay=100ms",
                 "--host-map=smtp.example.com:465=127.0.0.1:" + std::to_string(server->port()) };
    }

    void SetUp() override
    {
        static int run;
        server = std::make_unique<Aiosmtpd>(work + "/pki", work + "/spool" + std::to_string(++run),
                                            server_options());
        ASSERT_NE(0, server->port()) << server->log();
        oatemu::ModuleTest::SetUp();
        configure("s3cret");
        ASSERT_NE(std::string::npos, at("AT+SMTPCA=\"" + work + "/pki/ca.pem\"").find("OK"));
    }

    void configure(const std::string &password)
    {
        std::string cmd = "AT+SMTPCFG=\"smtp.example.com\",465,\"mailer\",\"" + password +
                          "\",\"oatemu@example.com\"";
        ASSERT_NE(std::string::npos, at(cmd).find("OK"));
    }

    // Type a send command and wait for its "+SMTPSEND: <code>"; returns the code, or kNoAnswer
    // when none came within a minute.
    int send(const std::string &cmd)
    {
        std::string out = at(cmd);
        bool done = oatemu::wait_for([&] {
            out += oatemu::output();
            size_t at = out.find("+SMTPSEND: ");
            return at != std::string::npos && out.find('\n', at) != std::string::npos;
        }, 60000);
        return done ? std::atoi(out.c_str() + out.find("+SMTPSEND: ") + 11) : kNoAnswer;
    }

    // The server has stored n mails (it writes the files before logging "received").
    bool received(int n)
    {
        return oatemu::wait_for([&] {
            std::string l = server->log();
            int count = 0;
            for (size_t at = l.find("received "); at != std::string::npos; at = l.find("received ", at + 1))
                count++;
            return count >= n;
        }, 10000);
    }

    // The body AT+SMTPSENDN=..,<size> sends, from the server script's generator.
    static std::string generated(int size)
    {
        std::string path = work + "/gen" + std::to_string(size);
        std::system((python() + " --gen-body " + std::to_string(size) + " >" + path).c_str());
        return slurp(path);
    }

    std::unique_ptr<Aiosmtpd> server;
};

TEST_F(SmtpSsl, AMailArrivesByteExact)
{
    ASSERT_EQ(0, send("AT+SMTPSENDN=\"rcpt@example.com\",\"kit\",20000"));
    ASSERT_TRUE(received(1)) << server->log();
    std::string body = server->body(1);
    EXPECT_EQ(20000u, body.size());
    EXPECT_TRUE(body == generated(20000)) << "the body differs";
    EXPECT_NE(std::string::npos, server->log().find("auth PLAIN ok"));
}

TEST_F(SmtpSsl, AWrongPasswordAnswers535)
{
    configure("wrong");
    EXPECT_EQ(535, send("AT+SMTPSENDN=\"rcpt@example.com\",\"bad password\",1000"));
    EXPECT_NE(std::string::npos, server->log().find("auth PLAIN refused"));
}

class SmtpSslServerGone : public SmtpSsl {
    std::string server_options() const override { return "--drop-during-data"; }
};

TEST_F(SmtpSslServerGone, MidDataAnswersAnErrorAndTheNextMailWorks)
{
    int code = send("AT+SMTPSENDN=\"rcpt@example.com\",\"dropped\",20000");
    EXPECT_NE(0, code);
    EXPECT_NE(kNoAnswer, code) << "no +SMTPSEND after the server went away";
    ASSERT_EQ(0, send("AT+SMTPSENDN=\"rcpt@example.com\",\"after\",7000"));
    ASSERT_TRUE(received(1)) << server->log();
    EXPECT_TRUE(server->body(1) == generated(7000)) << "the mail after the drop differs";
}

}  // namespace
