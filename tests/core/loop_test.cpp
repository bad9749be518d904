// The I/O loop's lifecycle (emu/core/loop.c): what tasks may still do while the module stops.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "shim.h"
extern "C" {
#include "core/loop.h"
#include "core/sched.h"
}

namespace {

const adl_InitTasks_t kOneTask[] = { { [] {}, 4096, "main", 1 }, { 0, 0, 0, 0 } };

std::atomic<bool> g_handler_started;
std::atomic<long> g_stray_bytes;

// Runs in the task while the test thread stops the module: the module joins the loop before
// it ends the tasks, so a handler still wakes the loop after the loop is gone. The wake-up
// must reach no descriptor opened since (it used to write 8 bytes to a closed, reusable
// eventfd number; ThreadSanitizer reported the race on that number).
void WakeAfterLoopStopped(void *)
{
    g_handler_started = true;
    while (oat_loop_running())
        std::this_thread::yield();
    int fds[2];
    ASSERT_EQ(pipe2(fds, O_NONBLOCK), 0);
    oat_loop_wakeup();
    char buf[16];
    ssize_t n = read(fds[0], buf, sizeof buf);
    g_stray_bytes = n > 0 ? n : 0;
    close(fds[0]);
    close(fds[1]);
}

TEST(Loop, WakeupFromATaskAfterTheLoopStoppedReachesNoReusedDescriptor)
{
    ASSERT_EQ(oat_shim_boot_tasks(kOneTask, nullptr), 0);
    g_handler_started = false;
    g_stray_bytes = -1;
    ASSERT_EQ(oat_post(oat_task_main(), WakeAfterLoopStopped, nullptr, nullptr), 0);
    while (!g_handler_started)
        std::this_thread::yield();
    EXPECT_EQ(oat_shim_stop(), 0);
    EXPECT_EQ(g_stray_bytes, 0);
}

}  // namespace
