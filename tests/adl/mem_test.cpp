// mem_test.cpp: the ADL heap as an application sees it: adl_memGet/adl_memRelease, the sites
// named in leak, double-release and overrun reports, and how the error service halts.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "shim.h"
extern "C" {
#include "adl/services.h"
#include "core/sched.h"
}

namespace {

void entry() {}
const adl_InitTasks_t kTasks[] = {{entry, 8192, "main", 1}, {nullptr, 0, nullptr, 0}};

// Run fn on the main task, as an application handler would, until it returns or the task
// halts. A plain function (no captures): a halted task never leaves it.
void (*pending)();
void run_pending(void *) { pending(); }
void in_task(void (*fn)())
{
    pending = fn;
    ASSERT_EQ(0, oat_post(oat_task_main(), run_pending, nullptr, nullptr));
    oat_shim_settle();
}

std::string traces()
{
    char *raw = oat_shim_traces();
    std::string out = raw ? raw : "";
    oat_shim_free(raw);
    return out;
}

std::string site(int line)
{
    return "mem_test.cpp:" + std::to_string(line);
}

// State shared with the code run in the task.
void *g_p, *g_q;
int g_line_get, g_line_rel, g_line_rel2;
bool g_reached, g_released;
u16 g_error_id;
int g_handler_calls;

bool refuse_reset(u16 id, ascii *)
{
    g_error_id = id;
    g_handler_calls++;
    return FALSE;
}

class Mem : public ::testing::Test {
protected:
    void SetUp() override
    {
        g_p = g_q = nullptr;
        g_line_get = g_line_rel = g_line_rel2 = 0;
        g_reached = g_released = false;
        g_error_id = 0;
        g_handler_calls = 0;
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, nullptr));
        traces();
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(Mem, LeakIsListedAtStopWithSizeAllocationSiteAndTask)
{
    in_task([] { g_p = adl_memGet(40); g_line_get = __LINE__; });
    ASSERT_NE(nullptr, g_p);
    EXPECT_EQ(0, oat_shim_stop());
    std::string t = traces();
    EXPECT_NE(std::string::npos,
              t.find("leak: 40 bytes allocated at "))
        << t;
    EXPECT_NE(std::string::npos, t.find(site(g_line_get) + " (task main) never released")) << t;
}

TEST_F(Mem, ReleaseSetsThePointerToNullAndReturnsTrue)
{
    in_task([] {
        g_p = adl_memGet(100);
        memset(g_p, 0x5A, 100);
        g_released = adl_memRelease(g_p);
    });
    EXPECT_TRUE(g_released);
    EXPECT_EQ(nullptr, g_p);
    EXPECT_TRUE(oat_shim_running());
    EXPECT_EQ(0, oat_shim_stop());
    EXPECT_EQ(std::string::npos, traces().find("leak:"));
}

TEST_F(Mem, NewBlocksAreAlignedForAnyType)
{
    in_task([] {
        for (u32 size = 1; size < 64; size++) {
            void *p = adl_memGet(size);
            EXPECT_EQ(0u, reinterpret_cast<uintptr_t>(p) % alignof(max_align_t));
            adl_memRelease(p);
        }
    });
}

TEST_F(Mem, DoubleReleaseIsTracedWithBothSitesAndHaltsTheModule)
{
    in_task([] {
        g_p = adl_memGet(8); g_line_get = __LINE__;
        g_q = g_p;
        adl_memRelease(g_p); g_line_rel = __LINE__;
        g_line_rel2 = __LINE__; adl_memRelease(g_q);
        g_reached = true;
    });
    EXPECT_FALSE(g_reached) << "the halted task went back to application code";
    EXPECT_FALSE(oat_shim_running());
    EXPECT_EQ(OAT_EXIT_HALT, oat_shim_stop());
    std::string t = traces();
    EXPECT_NE(std::string::npos,
              t.find(site(g_line_rel2) + ": double release of the block of 8 bytes allocated at "))
        << t;
    EXPECT_NE(std::string::npos,
              t.find(site(g_line_get) + " (task main), already released at ")) << t;
    EXPECT_NE(std::string::npos, t.find(site(g_line_rel) + "\n")) << t;
    EXPECT_NE(std::string::npos, t.find("the module resets")) << t;
}

TEST_F(Mem, DoubleReleaseLetsTheModuleGoOnWhenTheHandlerReturnsFalse)
{
    in_task([] {
        adl_errSubscribe(refuse_reset);
        g_p = adl_memGet(8);
        g_q = g_p;
        adl_memRelease(g_p);
        g_released = adl_memRelease(g_q);
        g_reached = true;
    });
    EXPECT_TRUE(g_reached);
    EXPECT_FALSE(g_released);
    EXPECT_EQ(ADL_ERR_MEM_RELEASE, g_error_id);
    EXPECT_TRUE(oat_shim_running());
    EXPECT_EQ(0, oat_shim_stop());
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("double release")) << t;
    EXPECT_EQ(std::string::npos, t.find("the module resets")) << t;
}

TEST_F(Mem, OverrunIsDetectedAtReleaseWithTheAllocationSite)
{
    in_task([] {
        adl_errSubscribe(refuse_reset);
        char *p = static_cast<char *>(adl_memGet(10)); g_line_get = __LINE__;
        p[10] = 'x';
        p[11] = 'y';
        g_released = adl_memRelease(p); g_line_rel = __LINE__;
        g_p = p;
    });
    EXPECT_FALSE(g_released);
    EXPECT_EQ(nullptr, g_p) << "an overrun block is released all the same";
    EXPECT_EQ(ADL_ERR_MEM_RELEASE, g_error_id);
    std::string t = traces();
    EXPECT_NE(std::string::npos,
              t.find(site(g_line_rel) + ": the block of 10 bytes allocated at ")) << t;
    EXPECT_NE(std::string::npos,
              t.find(site(g_line_get) + " (task main) was overrun (2 of the 16 guard bytes"))
        << t;
    EXPECT_EQ(0, oat_shim_stop());
}

TEST_F(Mem, UnderrunIsDetectedAtRelease)
{
    in_task([] {
        adl_errSubscribe(refuse_reset);
        char *p = static_cast<char *>(adl_memGet(10));
        p[-1] = 0;
        adl_memRelease(p);
    });
    EXPECT_EQ(ADL_ERR_MEM_RELEASE, g_error_id);
    EXPECT_NE(std::string::npos, traces().find("was underrun (1 of the 16 guard bytes before it"));
}

TEST_F(Mem, OverrunWithoutHandlerHaltsTheModule)
{
    in_task([] {
        char *p = static_cast<char *>(adl_memGet(4));
        p[4] = 1;
        adl_memRelease(p);
        g_reached = true;
    });
    EXPECT_FALSE(g_reached);
    EXPECT_EQ(OAT_EXIT_HALT, oat_shim_stop());
}

TEST_F(Mem, ReleaseOfAPointerNotFromAdlMemGetHaltsWithoutFreeingIt)
{
    static char not_heap[32];
    in_task([] {
        void *p = not_heap + 8;
        g_line_rel = __LINE__; adl_memRelease(p);
        g_reached = true;
    });
    EXPECT_FALSE(g_reached);
    EXPECT_EQ(OAT_EXIT_HALT, oat_shim_stop());
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find(site(g_line_rel) + ": ")) << t;
    EXPECT_NE(std::string::npos, t.find("was not allocated by adl_memGet")) << t;
}

TEST_F(Mem, ReleaseOfAHostBlockIsRefusedAndTheBlockStaysUsable)
{
    g_q = malloc(16);
    in_task([] {
        adl_errSubscribe(refuse_reset);
        void *p = g_q;
        g_released = adl_memRelease(p);
    });
    EXPECT_FALSE(g_released);
    EXPECT_EQ(ADL_ERR_MEM_RELEASE, g_error_id);
    memset(g_q, 0, 16);
    free(g_q);
}

TEST_F(Mem, ReleaseOfANullPointerIsRefusedWithoutHalting)
{
    in_task([] {
        void *p = nullptr;
        g_released = adl_memRelease(p); g_line_rel = __LINE__;
    });
    EXPECT_FALSE(g_released);
    EXPECT_TRUE(oat_shim_running());
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find(site(g_line_rel) + ": the pointer is NULL")) << t;
}

TEST_F(Mem, ZeroAndAbsurdSizesRaiseMemGetAndGiveNull)
{
    in_task([] {
        adl_errSubscribe(refuse_reset);
        g_p = adl_memGet(0); g_line_get = __LINE__;
        g_q = adl_memGet(0xF0000000u);
    });
    EXPECT_EQ(nullptr, g_p);
    EXPECT_EQ(nullptr, g_q);
    EXPECT_EQ(2, g_handler_calls);
    EXPECT_EQ(ADL_ERR_MEM_GET, g_error_id);
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("adl_memGet(0) at " )) << t;
    EXPECT_NE(std::string::npos, t.find(site(g_line_get) + ": a block of 0 bytes")) << t;
    EXPECT_NE(std::string::npos, t.find("more than the RAM of any module")) << t;
}

TEST_F(Mem, MemGetOfZeroWithoutHandlerHaltsTheModule)
{
    in_task([] {
        g_p = adl_memGet(0);
        g_reached = true;
    });
    EXPECT_FALSE(g_reached);
    EXPECT_EQ(OAT_EXIT_HALT, oat_shim_stop());
}

TEST_F(Mem, FunctionFormsWorkWhenCalledThroughPointers)
{
    in_task([] {
        void *(*get)(u32) = adl_memGet;
        bool (*release)(void **) = _adl_memRelease;
        g_p = get(24);
        memset(g_p, 1, 24);
        g_released = release(&g_p);
        g_q = get(12);
    });
    EXPECT_TRUE(g_released);
    EXPECT_EQ(nullptr, g_p);
    EXPECT_EQ(0, oat_shim_stop());
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("leak: 12 bytes allocated at code address")) << t;
}

TEST_F(Mem, WriteAfterReleaseIsReportedWhenTheBlockLeavesTheHeap)
{
    in_task([] {
        g_p = adl_memGet(16); g_line_get = __LINE__;
        g_q = g_p;
        adl_memRelease(g_p); g_line_rel = __LINE__;
        static_cast<char *>(g_q)[3] = 1;
    });
    oat_shim_stop();
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("the block of 16 bytes allocated at ")) << t;
    EXPECT_NE(std::string::npos,
              t.find(site(g_line_get) + " (task main) was written after its release at ")) << t;
}

TEST_F(Mem, ReleasedBlocksArePoisoned)
{
    in_task([] {
        unsigned char *p = static_cast<unsigned char *>(adl_memGet(8));
        memset(p, 0, 8);
        g_q = p;
        adl_memRelease(p);
    });
    EXPECT_EQ(0xDD, static_cast<unsigned char *>(g_q)[0]);
}

TEST_F(Mem, OverrunOfABlockNeverReleasedIsReportedAtStop)
{
    in_task([] {
        char *p = static_cast<char *>(adl_memGet(5)); g_line_get = __LINE__;
        p[5] = 0;
    });
    oat_shim_stop();
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find(site(g_line_get) + " (task main) was overrun")) << t;
    EXPECT_NE(std::string::npos, t.find("leak: 5 bytes")) << t;
}

TEST_F(Mem, MemGetInfoReportsSizesThatAddUp)
{
    in_task([] {
        adl_memInfo_t info;
        EXPECT_EQ(OK, adl_memGetInfo(&info));
        EXPECT_GT(info.HeapSize, 0u);
        EXPECT_EQ(info.TotalSize, info.StackSize + info.HeapSize + info.GlobalSize);
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_memGetInfo(nullptr));
    });
    EXPECT_NE(std::string::npos, traces().find("adl_memGetInfo(NULL)"));
}

TEST_F(Mem, ManyBlocksAndADoubleReleaseAmongThemAreTracked)
{
    in_task([] {
        adl_errSubscribe(refuse_reset);
        std::vector<void *> blocks;
        for (int i = 0; i < 50000; i++)
            blocks.push_back(adl_memGet(1 + i % 64));
        void *again = blocks[49000];
        for (void *&b : blocks)
            adl_memRelease(b);
        adl_memRelease(again);
    });
    EXPECT_EQ(1, g_handler_calls);
    EXPECT_EQ(0, oat_shim_stop());
    EXPECT_NE(std::string::npos, traces().find("double release of the block of"));
}

TEST_F(Mem, HostThreadsCanAllocateConcurrently)
{
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
        threads.emplace_back([] {
            for (int i = 0; i < 5000; i++) {
                void *p = adl_memGet(32);
                memset(p, 0, 32);
                adl_memRelease(p);
            }
        });
    }
    for (auto &t : threads)
        t.join();
    EXPECT_TRUE(oat_shim_running());
    EXPECT_EQ(0, oat_shim_stop());
    EXPECT_EQ(std::string::npos, traces().find("leak:"));
}

}  // namespace
