// channel_input_test.cpp: bad input to the channel API gets the matching WIP_CERR_* and a
// trace line, never a crash; host socket errors map to their WIP_CERR_*; the call log
// shows every WIP call and event; wip_netExit ends everything and the stack starts again.
#include "wip_fixture.h"

#include <cerrno>

extern "C" {
#include "wip/wip_internal.h"
}

namespace {

constexpr u16 kPort = 2100;

class ChannelInput : public WipTest {
protected:
    char ctx = 'x';
    wip_channel_t server = nullptr, client = nullptr;
    void pair()
    {
        task([&] {
            server = wip_TCPServerCreate(kPort, handler, &ctx);
            client = wip_TCPClientCreate("127.0.0.1", kPort, handler, &ctx);
        });
        ASSERT_NE(nullptr, client);
    }
    std::string seen;   // traces read so far
    bool traced(const std::string &text)
    {
        seen += traces();
        return seen.find(text) != std::string::npos;
    }
};

TEST_F(ChannelInput, ANullChannelIsInvalidEverywhereWithATrace)
{
    char buf[4];
    u32 v;
    task([&] {
        EXPECT_EQ(WIP_CERR_INVALID, wip_read(nullptr, buf, sizeof buf));
        EXPECT_EQ(WIP_CERR_INVALID, wip_write(nullptr, "x", 1));
        EXPECT_EQ(WIP_CERR_INVALID, wip_close(nullptr));
        EXPECT_EQ(WIP_CERR_INVALID, wip_abort(nullptr));
        EXPECT_EQ(WIP_CERR_INVALID, wip_shutdown(nullptr, TRUE, TRUE));
        EXPECT_EQ(WIP_CERR_INVALID, wip_setOpts(nullptr, WIP_COPT_NODELAY, TRUE, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_INVALID, wip_getOpts(nullptr, WIP_COPT_NREAD, &v, WIP_COPT_END));
        wip_setCtx(nullptr, nullptr);
    });
    EXPECT_TRUE(traced("wip_read: NULL channel"));
    EXPECT_TRUE(traced("wip_setCtx: NULL channel"));
}

TEST_F(ChannelInput, AClosedHandleIsInvalidAndHarmless)
{
    pair();
    task([&] { EXPECT_EQ(0, wip_close(client)); });
    oat_shim_advance_ms(100);
    task([&] {
        EXPECT_EQ(WIP_CERR_INVALID, wip_write(client, "x", 1));
        EXPECT_EQ(WIP_CERR_INVALID, wip_close(client));
    });
    EXPECT_TRUE(traced("is not a channel"));
    EXPECT_EQ(WIP_CSTATE_READY, wip_getState(server)) << "another channel is untouched";
}

TEST_F(ChannelInput, AnUnknownOptionIsInvalid)
{
    pair();
    task([&] { EXPECT_EQ(WIP_CERR_INVALID, wip_setOpts(client, 999, 1, WIP_COPT_END)); });
    EXPECT_TRUE(traced("option 999"));
}

TEST_F(ChannelInput, ValuesOutOfRangeAreRefused)
{
    pair();
    u32 snd = 0;
    task([&] {
        EXPECT_EQ(WIP_CERR_OUT_OF_RANGE, wip_setOpts(client, WIP_COPT_SND_BUFSIZE, 535, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_OUT_OF_RANGE, wip_setOpts(client, WIP_COPT_RCV_BUFSIZE, 65536, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_OUT_OF_RANGE, wip_setOpts(client, WIP_COPT_SND_LOWAT, 0, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_OUT_OF_RANGE, wip_setOpts(client, WIP_COPT_RCV_LOWAT, 6000, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_OUT_OF_RANGE, wip_setOpts(client, WIP_COPT_TTL, 0, WIP_COPT_END));
        EXPECT_EQ(0, wip_setOpts(client, WIP_COPT_SND_BUFSIZE, 536, WIP_COPT_END));
        wip_getOpts(client, WIP_COPT_SND_BUFSIZE, &snd, WIP_COPT_END);
    });
    EXPECT_EQ(536u, snd);
    EXPECT_TRUE(traced("value out of range (WIP_CERR_OUT_OF_RANGE)"));
}

TEST_F(ChannelInput, OptionsThatDoNotApplyAreNotSupported)
{
    pair();
    task([&] {
        EXPECT_EQ(WIP_CERR_NOT_SUPPORTED, wip_setOpts(client, WIP_COPT_NREAD, 1, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_NOT_SUPPORTED,
                  wip_setOpts(client, WIP_COPT_SMTP_SENDER, "a@b", WIP_COPT_END));
    });
    EXPECT_TRUE(traced("WIP_COPT_SMTP_SENDER: not an option of this channel"));
}

TEST_F(ChannelInput, NullPointersAndBuffersAreInvalid)
{
    pair();
    task([&] {
        EXPECT_EQ(WIP_CERR_INVALID, wip_getOpts(client, WIP_COPT_NREAD, nullptr, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_INVALID, wip_read(client, nullptr, 10));
        EXPECT_EQ(WIP_CERR_INVALID, wip_write(client, nullptr, 10));
    });
    EXPECT_TRUE(traced("NULL buffer for 10 bytes"));
}

TEST_F(ChannelInput, CreationWithBadArgumentsGivesNoChannel)
{
    wip_channel_t a = (wip_channel_t)1, b = a, c = a, d = a, e = a;
    task([&] {
        a = wip_TCPClientCreate(nullptr, 80, handler, nullptr);
        b = wip_TCPClientCreate("127.0.0.1", 0, handler, nullptr);
        c = wip_TCPClientCreate("127.0.0.1", 80, nullptr, nullptr);
        d = wip_TCPClientCreateOpts("127.0.0.1", 80, handler, nullptr, WIP_COPT_SND_BUFSIZE, 10,
                                    WIP_COPT_END);
        e = wip_TCPServerCreate(0, handler, nullptr);
    });
    EXPECT_EQ(nullptr, a);
    EXPECT_EQ(nullptr, b);
    EXPECT_EQ(nullptr, c);
    EXPECT_EQ(nullptr, d);
    EXPECT_EQ(nullptr, e);
    EXPECT_TRUE(events.empty());
}

TEST_F(ChannelInput, NothingWorksBeforeWipNetInit)
{
    wip_channel_t c = (wip_channel_t)1;
    task([&] {
        EXPECT_EQ(OK, wip_netExit());
        c = wip_TCPClientCreate("127.0.0.1", 80, handler, nullptr);
    });
    EXPECT_EQ(nullptr, c);
    EXPECT_TRUE(traced("call wip_netInit first"));
}

TEST_F(ChannelInput, EveryHostSocketErrorMapsToItsCerr)
{
    EXPECT_EQ(WIP_CERR_REFUSED, oat_errno_to_cerr(ECONNREFUSED));
    EXPECT_EQ(WIP_CERR_HOST_UNREACHABLE, oat_errno_to_cerr(EHOSTUNREACH));
    EXPECT_EQ(WIP_CERR_NETWORK_UNREACHABLE, oat_errno_to_cerr(ENETUNREACH));
    EXPECT_EQ(WIP_CERR_TIMEOUT, oat_errno_to_cerr(ETIMEDOUT));
    EXPECT_EQ(WIP_CERR_PIPE_BROKEN, oat_errno_to_cerr(ECONNRESET));
    EXPECT_EQ(WIP_CERR_PIPE_BROKEN, oat_errno_to_cerr(EPIPE));
    EXPECT_EQ(WIP_CERR_MEMORY, oat_errno_to_cerr(ENOBUFS));
    EXPECT_EQ(WIP_CERR_RESOURCES, oat_errno_to_cerr(EMFILE));
}

TEST_F(ChannelInput, TheCallLogShowsEveryCallAndEvent)
{
    boot({ "--calls" });
    pair();
    task([&] { wip_write(client, "abc", 3); });
    std::string log = traces();
    EXPECT_NE(std::string::npos, log.find("wip_TCPServerCreate(2100"));
    EXPECT_NE(std::string::npos, log.find("wip_TCPClientCreate(\"127.0.0.1\", 2100"));
    EXPECT_NE(std::string::npos, log.find("wip_write("));
    EXPECT_NE(std::string::npos, log.find("WIP_CEV_OPEN on TCP loopback"));
    EXPECT_NE(std::string::npos, log.find("WIP_CEV_READ on TCP loopback"));
}

int g_fin;
void count_fin(void *) { g_fin++; }

TEST_F(ChannelInput, NetExitEndsEveryChannelSilentlyAndTheStackStartsAgain)
{
    g_fin = 0;
    for (int round = 0; round < 50; round++) {
        events.clear();
        task([&] {
            if (round > 0)
                ASSERT_EQ(OK, wip_netInit());
            server = wip_TCPServerCreate(kPort, handler, &ctx);
            client = wip_TCPClientCreateOpts("127.0.0.1", kPort, handler, &ctx, WIP_COPT_FINALIZER,
                                             count_fin, WIP_COPT_END);
        });
        ASSERT_EQ(1, count(WIP_CEV_OPEN, client));
        task([&] {
            wip_write(client, "x", 1);
            ASSERT_EQ(OK, wip_netExit());
        });
        oat_shim_advance_ms(100);
        EXPECT_EQ(0, count(WIP_CEV_READ)) << "no event after wip_netExit";
    }
    EXPECT_EQ(0, g_fin) << "channels ended by wip_netExit run no finalizer";
}

}  // namespace
