// stop_test.cpp: the module stopping with work in flight. Each case runs in a child process
// bounded in host time, so a stop that hangs fails the test instead of blocking the suite.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include "shim.h"
#include "wip.h"

namespace {

// Run body in a child process; its exit status, or -1 when it was still running after
// limit_ms of host time (then it is killed).
int in_child(const std::function<void()> &body, int limit_ms = 10000)
{
    pid_t pid = fork();
    if (pid == 0) {
        body();
        _exit(0);
    }
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
    for (;;) {
        int st = 0;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        if (std::chrono::steady_clock::now() > until) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void ignore(wip_event_t *, void *) {}
void finalized(void *) {}
void entry() {}

// A channel with a finalizer, closed while its OPEN and WRITE events are still queued for
// its task, then the module halts: dropping those events releases the channel's last
// reference, whose finalizer used to be posted under the scheduler's own lock (deadlock).
void close_then_halt(void *)
{
    ASSERT_EQ(0, wip_netInit());
    ASSERT_NE(nullptr, wip_TCPServerCreate(2300, ignore, nullptr));
    wip_channel_t c = wip_TCPClientCreateOpts("127.0.0.1", 2300, ignore, nullptr,
                                              WIP_COPT_FINALIZER, finalized, WIP_COPT_END);
    ASSERT_NE(nullptr, c);
    wip_close(c);
    adl_errHalt(0x100, "stop with a closed channel's events queued");
}

TEST(Stop, AHaltWithAClosedChannelsEventsQueuedStopsWithoutDeadlock)
{
    int rc = in_child([] {
        static const adl_InitTasks_t tasks[] = { { entry, 8192, "app", 1 },
                                                 { nullptr, 0, nullptr, 0 } };
        if (oat_shim_boot_tasks(tasks, nullptr) != 0)
            _exit(10);
        oat_shim_in_task(0, close_then_halt, nullptr);
        _exit(oat_shim_stop() == 3 ? 0 : 11);
    });
    EXPECT_EQ(0, rc) << (rc == -1 ? "the module stop hung" : "the child failed");
}

}  // namespace
