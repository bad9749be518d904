// cycles_test.cpp: 10000 create/close cycles of TCP channels, on module loopback and to a
// host peer, leave no descriptor and no memory behind, and every finalizer runs once.
#include "host_peer.h"
#include "process_resources.h"
#include "wip_fixture.h"

namespace {

constexpr int kCycles = 10000;

int g_finalized;
void count_finalizer(void *) { g_finalized++; }

class Cycles : public WipTest {
protected:
    char cli = 'c', srv = 's';
    int opened = 0;

    // Client closes on OPEN; the server side closes on PEER_CLOSE.
    void SetUp() override
    {
        WipTest::SetUp();
        on_event = [&](wip_event_t *ev, void *ctx) {
            if (ev->kind == WIP_CEV_OPEN && ctx == &cli) {
                opened++;
                wip_close(ev->channel);
            } else if ((ev->kind == WIP_CEV_PEER_CLOSE || ev->kind == WIP_CEV_ERROR) && ctx == &srv) {
                wip_close(ev->channel);
            }
        };
    }
    void cycle(const char *host, u16 port)
    {
        task([&] {
            wip_TCPClientCreateOpts(host, port, handler, &cli, WIP_COPT_FINALIZER, count_finalizer,
                                    WIP_COPT_END);
        });
        events.clear();
    }
};

TEST_F(Cycles, TenThousandLoopbackCyclesLeaveNoDescriptorOrMemoryBehind)
{
    task([&] { ASSERT_NE(nullptr, wip_TCPServerCreate(2200, handler, &srv)); });
    g_finalized = 0;
    for (int i = 0; i < 100; i++)   // warm-up: allocator pools, first-use caches
        cycle("127.0.0.1", 2200);
    int fds = open_descriptors();
    size_t heap = heap_in_use();
    for (int i = 0; i < kCycles; i++)
        cycle("127.0.0.1", 2200);
    oat_shim_advance_ms(1000);
    EXPECT_EQ(kCycles + 100, opened);
    EXPECT_EQ(kCycles + 100, g_finalized);
    EXPECT_EQ(fds, open_descriptors());
    EXPECT_LT(heap_in_use(), heap + 16 * 1024) << "heap grew from " << heap;
}

TEST_F(Cycles, TenThousandHostCyclesLeaveNoDescriptorOrMemoryBehind)
{
    HostPeer peer(HostPeer::Echo);
    boot({ "--host-map=peer.test=127.0.0.1:" + std::to_string(peer.port()) });
    start_bearer();
    g_finalized = 0;
    auto host_cycle = [&] {
        int before = g_finalized;
        cycle("peer.test", 7);
        ASSERT_TRUE(wait_until([&] { return g_finalized > before; }));
    };
    for (int i = 0; i < 100; i++)
        host_cycle();
    oat_shim_advance_ms(100);
    int fds = open_descriptors();
    size_t heap = heap_in_use();
    for (int i = 0; i < kCycles; i++) {
        host_cycle();
        if (HasFatalFailure())
            return;
    }
    oat_shim_advance_ms(100);
    EXPECT_EQ(kCycles + 100, opened);
    EXPECT_EQ(kCycles + 100, g_finalized);
    EXPECT_TRUE(wait_until([&] { return open_descriptors() == fds; })) << open_descriptors() << " vs " << fds;
    EXPECT_LT(heap_in_use(), heap + 16 * 1024) << "heap grew from " << heap;
}

}  // namespace
