// smtp_ssl_test.cpp: apps/smtp_ssl under the test kit against a real server: the test starts
// aiosmtpd (scripts/smtp_server.py, implicit TLS, its own throw-away PKI) on a free 127.0.0.1
// port, maps smtp.example.com:465 to it, types the application's AT commands and checks what
// the server received. The module runs in real time here (link lan: a mail is host network
// I/O), except SmtpSslOverGprs: virtual time over the gprs link model, where a mail costs
// the emulated time the model predicts, read back from the --pcap capture's time stamps.
#include "oatemu/gtest.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
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
    EXPECT_NE(kNoAnswer, code) << "no +SMTPSEND after the server went away\n" << all_traces() << server->log();
    ASSERT_EQ(0, send("AT+SMTPSENDN=\"rcpt@example.com\",\"after\",7000"));
    ASSERT_TRUE(received(1)) << server->log();
    EXPECT_TRUE(server->body(1) == generated(7000)) << "the mail after the drop differs";
}

// ---- over the gprs link model, in virtual time ----

// The gprs profile's figures (README "Link model", docs/decisions.md) and those of the
// arm9-104mhz CPU profile (docs/decisions.md "Module CPU") for the PKI smtp_server.py makes
// (P-256 root, intermediate and leaf).
constexpr double kUpBps = 40000, kDownBps = 80000, kRttS = 0.6;
constexpr double kEcVerifyS = 3.0, kEcMultS = 1.5;

// What a --pcap file says of the mail's TLS connection (the module port below 61000) and of
// its decrypted flow (61000 and up): time stamps in emulated seconds (the SYNs, the peer's
// last bytes: its 221 and close_notify), payload bytes each way.
struct Capture {
    double tls_syn = -1, plain_syn = -1, peer_last = -1;
    size_t up = 0, down = 0, up_to_open = 0, down_to_open = 0;
    bool read(const std::string &path)
    {
        std::string f = slurp(path);
        auto u16 = [&](size_t at) { return (unsigned)(uint8_t)f[at] << 8 | (uint8_t)f[at + 1]; };
        auto le32 = [&](size_t at) {
            uint32_t v = 0;
            for (int i = 3; i >= 0; i--)
                v = v << 8 | (uint8_t)f[at + (size_t)i];
            return v;
        };
        if (f.size() < 24 || le32(0) != 0xa1b2c3d4u || le32(20) != 101)
            return false;
        for (size_t at = 24; at + 16 <= f.size();) {
            double ts = le32(at) + le32(at + 4) / 1e6;
            size_t len = le32(at + 8), ip = at + 16;
            at = ip + len;
            if (at > f.size() || len < 40 || (uint8_t)f[ip + 9] != 6)
                continue;
            size_t ihl = ((uint8_t)f[ip] & 15u) * 4, tcp = ip + ihl;
            bool out = (uint8_t)f[ip + 12] != 127;          // from the module's 10.x address
            unsigned module_port = u16(out ? tcp : tcp + 2);
            size_t payload = u16(ip + 2) - ihl - ((uint8_t)f[tcp + 12] >> 4) * 4;
            uint8_t flags = (uint8_t)f[tcp + 13];
            if (module_port >= 61000) {
                if ((flags & 0x02) && plain_syn < 0)
                    plain_syn = ts;
                continue;
            }
            if ((flags & 0x02) && tls_syn < 0)
                tls_syn = ts;
            if (!out && payload > 0)
                peer_last = ts;
            (out ? up : down) += payload;
            if (plain_syn < 0)
                (out ? up_to_open : down_to_open) += payload;
        }
        return tls_syn >= 0 && plain_syn >= 0 && peer_last >= 0;
    }
    double air_s() const { return up * 8 / kUpBps + down * 8 / kDownBps; }
    double handshake_air_s() const { return up_to_open * 8 / kUpBps + down_to_open * 8 / kDownBps; }
};

class SmtpSslOverGprs : public SmtpSsl {
protected:
    std::string pcap = work + "/gprs" + std::to_string(getpid()) + ".pcap";
    virtual std::vector<std::string> more_flags() const { return {}; }
    std::vector<std::string> flags() const override
    {
        std::vector<std::string> f = { "--link=gprs", "--pcap=" + pcap, "--bearer=delay=100ms",
            "--host-map=smtp.example.com:465=127.0.0.1:" + std::to_string(server->port()) };
        for (const auto &m : more_flags())
            f.push_back(m);
        return f;
    }
    // Type a send command and let emulated time run (in 10 ms steps, the host's replies
    // awaited in between) until "+SMTPSEND: <code>"; the code, the emulated seconds taken.
    int send_in_emulated_time(const std::string &cmd, double *took_s)
    {
        long long started = oatemu::now_ms();
        std::string out = at(cmd);
        auto answered = [&] {
            out += oatemu::output();
            size_t at = out.find("+SMTPSEND: ");
            return at != std::string::npos && out.find('\n', at) != std::string::npos;
        };
        for (int step = 0; step < 12000 && !oatemu::wait_for(answered, 5); step++)
            oatemu::advance_ms(10);
        *took_s = (oatemu::now_ms() - started) / 1000.0;
        size_t at = out.find("+SMTPSEND: ");
        return at == std::string::npos ? kNoAnswer : std::atoi(out.c_str() + at + 11);
    }
    // The capture is complete once the module stopped.
    Capture stop_and_read()
    {
        oatemu_stop();
        Capture c;
        EXPECT_TRUE(c.read(pcap)) << "no TLS and decrypted flows in " << pcap;
        return c;
    }
};

// The TLS 1.3 handshake costs one round trip; the SMTP dialogue without PIPELINING (aiosmtpd
// offers none) eight: the greeting after the client's Finished, EHLO, AUTH PLAIN, MAIL, RCPT,
// DATA, the body and its end, QUIT; every byte its air time at the profile's rate.
TEST_F(SmtpSslOverGprs, A20KbMailTakesTheModelledEmulatedTime)
{
    double mail_s = 0;
    ASSERT_EQ(0, send_in_emulated_time("AT+SMTPSENDN=\"rcpt@example.com\",\"gprs\",20000",
                                       &mail_s));
    ASSERT_TRUE(received(1)) << server->log();
    EXPECT_TRUE(server->body(1) == generated(20000)) << "the body differs";
    Capture c = stop_and_read();
    double took = c.peer_last - c.tls_syn;
    double predicted = c.air_s() + 9 * kRttS;
    std::printf("[   INFO   ] 20 KB mail over gprs: %.3f s from the TLS connection to the "
                "server's last bytes (model %.3f s: %zu bytes up, %zu down, 9 round trips); %.3f s "
                "from AT+SMTPSENDN to +SMTPSEND\n", took, predicted, c.up, c.down, mail_s);
    EXPECT_GT(c.up, 20000u);
    EXPECT_NEAR(predicted, took, predicted * 0.10);
}

class SmtpSslOverGprsArm9 : public SmtpSslOverGprs {
    std::vector<std::string> more_flags() const override
    {
        return { "--module-cpu=arm9-104mhz" };
    }
};

// With the module's CPU the SSL open adds its public-key time to the handshake's round trip:
// the chain's two signatures and the leaf's CertificateVerify (3 ECDSA verifies), the ECDHE
// key generation and agreement (2 scalar multiplications).
TEST_F(SmtpSslOverGprsArm9, TheSslOpenTakesTheModelledTime)
{
    double mail_s = 0;
    ASSERT_EQ(0, send_in_emulated_time("AT+SMTPSENDN=\"rcpt@example.com\",\"arm9\",1000",
                                       &mail_s));
    std::string traces = all_traces();
    Capture c = stop_and_read();
    double open = c.plain_syn - c.tls_syn;
    double cpu = 3 * kEcVerifyS + 2 * kEcMultS;
    double predicted = cpu + kRttS + c.handshake_air_s();
    size_t said = traces.find("the module's CPU spends ");
    std::printf("[   INFO   ] SSL open over gprs on the arm9-104mhz CPU: %.3f s (model %.3f s: "
                "%.1f s CPU, %zu bytes up, %zu down, one round trip); the trace: %s\n", open,
                predicted, cpu, c.up_to_open, c.down_to_open,
                said == std::string::npos ? "none" : traces.substr(said, 40).c_str());
    EXPECT_NE(std::string::npos, said);
    EXPECT_NEAR(predicted, open, predicted * 0.10);
}

}  // namespace
