// Channel finalizers at the closing pass (oat_task_defer_close): a finalizer runs on the
// channel's task after the handler that closed the channel returned, with no lock held, and
// finalizers of channels closed in one handler run in the order they were closed.
#include "wip_fixture.h"

#include <atomic>
#include <string>
#include <vector>

extern "C" {
#include "core/lock_check.h"
#include "core/sched.h"
}

namespace {

class Finalizer : public WipTest {
protected:
    static inline std::vector<std::string> order;   // one task at a time writes it
    static inline std::atomic<int> finalizer_task{ -1 };

    static void finalized(void *ctx)
    {
        oat_lock_assert_none("a channel finalizer", "Finalizer::finalized");
        finalizer_task = oat_task_index(oat_task_current());
        order.push_back(std::string("finalizer ") + static_cast<const char *>(ctx));
    }
    wip_channel_t client(const char *name)
    {
        return wip_TCPClientCreateOpts("127.0.0.1", 2400, handler, (void *)name,
                                       WIP_COPT_FINALIZER, finalized, WIP_COPT_END);
    }
    void SetUp() override
    {
        WipTest::SetUp();
        order.clear();
        finalizer_task = -1;
    }
};

TEST_F(Finalizer, RunsOnTheChannelsTaskAfterTheClosingHandlerWithNoLockHeld)
{
    wip_channel_t c = nullptr;
    on_event = [&](wip_event_t *ev, void *) {
        if (ev->kind == WIP_CEV_OPEN && ev->channel == c) {
            wip_close(c);
            order.push_back("handler returns");
        }
    };
    task([&] { ASSERT_NE(nullptr, wip_TCPServerCreate(2400, handler, nullptr)); });
    task([&] { c = client("one"); }, 1);
    ASSERT_NE(nullptr, c);
    oat_shim_settle();
    EXPECT_EQ(order, (std::vector<std::string>{ "handler returns", "finalizer one" }));
    EXPECT_EQ(finalizer_task, 1);
}

TEST_F(Finalizer, ChannelsClosedInOneHandlerAreFinalizedInTheirClosingOrder)
{
    wip_channel_t first = nullptr, second = nullptr;
    task([&] {
        ASSERT_NE(nullptr, wip_TCPServerCreate(2400, handler, nullptr));
        first = client("first");
        second = client("second");
    });
    ASSERT_NE(nullptr, first);
    ASSERT_NE(nullptr, second);
    task([&] {
        wip_close(second);
        wip_close(first);
        order.push_back("handler returns");
    });
    oat_shim_settle();
    EXPECT_EQ(order, (std::vector<std::string>{ "handler returns", "finalizer second",
                                                "finalizer first" }));
    EXPECT_EQ(finalizer_task, 0);
}

}  // namespace
