// wip_fixture.h: what the WIP suites share: a module booted in virtual time with the WIP
// stack initialised, code run inside the application task, every channel event recorded
// (kind, channel, contents, ctx, emulated time) with an optional per-test reaction. Handlers
// run on the task threads while the test thread waits on conditions over the same record: the
// record is locked (EventLog), and a wait's condition runs under that lock.
#ifndef WIP_FIXTURE_H
#define WIP_FIXTURE_H

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "shim.h"
#include "wip.h"

struct WipEv {
    wip_channel_t ch;
    int kind;
    u32 readable, writable;
    s32 err;
    void *ctx;
    long long at_ms;
};

// The events recorded so far, shared by the task threads (push) and the test thread. A deque:
// a pointer to a recorded event stays valid while more are pushed (until clear()).
class EventLog {
public:
    void push_back(const WipEv &e)
    {
        std::lock_guard<std::recursive_mutex> g(mu);
        log.push_back(e);
    }
    void clear()
    {
        std::lock_guard<std::recursive_mutex> g(mu);
        log.clear();
    }
    size_t size() const
    {
        std::lock_guard<std::recursive_mutex> g(mu);
        return log.size();
    }
    bool empty() const { return size() == 0; }
    WipEv operator[](size_t i) const
    {
        std::lock_guard<std::recursive_mutex> g(mu);
        return log.at(i);
    }
    std::vector<WipEv> snapshot() const
    {
        std::lock_guard<std::recursive_mutex> g(mu);
        return std::vector<WipEv>(log.begin(), log.end());
    }
    // The newest event matching pred, or nullptr.
    template <typename Pred> const WipEv *find_last(Pred pred) const
    {
        std::lock_guard<std::recursive_mutex> g(mu);
        for (auto it = log.rbegin(); it != log.rend(); ++it)
            if (pred(*it))
                return &*it;
        return nullptr;
    }
    std::recursive_mutex &lock() const { return mu; }

private:
    mutable std::recursive_mutex mu;
    std::deque<WipEv> log;
};

// What a stream channel holds now: wip_read in 4096-byte calls until it returns 0 (or less).
inline std::string drain(wip_channel_t c)
{
    std::string all;
    char buf[4096];
    int n;
    while ((n = wip_read(c, buf, sizeof buf)) > 0)
        all.append(buf, (size_t)n);
    return all;
}

// The trap of the forum account: 64 writes of 1024 bytes in one handler run, their counts
// ignored, then wip_close; what was asked to be sent (in the application task).
inline std::string write_ignoring_the_count(wip_channel_t c)
{
    std::string sent;
    for (int i = 0; i < 64; i++) {
        std::string chunk(1024, (char)('a' + i % 26));
        wip_write(c, chunk.data(), (u32)chunk.size());
        sent += chunk;
    }
    wip_close(c);
    return sent;
}

class WipTest : public ::testing::Test {
protected:
    static inline WipTest *self = nullptr;
    EventLog events;
    std::function<void(wip_event_t *, void *)> on_event;

    static void entry() {}

    void boot(const std::vector<std::string> &flags = {})
    {
        static const adl_InitTasks_t tasks[] = {
            { entry, 8192, "app", 2 },
            { entry, 8192, "other", 1 },
            { nullptr, 0, nullptr, 0 },
        };
        std::vector<const char *> argv;
        for (const auto &f : flags)
            argv.push_back(f.c_str());
        argv.push_back(nullptr);
        self = this;
        released = 0;
        ASSERT_EQ(0, oat_shim_boot_tasks(tasks, argv.data()));
        task([] { ASSERT_EQ(0, wip_netInit()); });
        traces();
    }
    void SetUp() override { boot(); }

    // A channel's finalizer (WIP_COPT_FINALIZER, count_release): how many ran since the boot,
    // the last one's emulated time.
    static inline std::atomic<int> released{ 0 };
    static inline std::atomic<long long> released_ms{ 0 };
    static void count_release(void *)
    {
        released++;
        released_ms = oat_shim_now_ms();
    }
    void TearDown() override
    {
        oat_shim_stop();
        self = nullptr;
    }

    static void run_fn(void *arg)
    {
        auto *fn = static_cast<std::function<void()> *>(arg);
        (*fn)();
        delete fn;
    }
    // Run fn in task row `row` as an application handler would, then settle.
    void task(std::function<void()> fn, int row = 0)
    {
        ASSERT_EQ(0, oat_shim_in_task(row, run_fn, new std::function<void()>(std::move(fn))));
    }

    static void handler(wip_event_t *ev, void *ctx)
    {
        WipEv e{ ev->channel, (int)ev->kind, 0, 0, 0, ctx, oat_shim_now_ms() };
        if (ev->kind == WIP_CEV_READ)
            e.readable = ev->content.read.readable;
        if (ev->kind == WIP_CEV_WRITE)
            e.writable = ev->content.write.writable;
        if (ev->kind == WIP_CEV_ERROR)
            e.err = ev->content.error.errnum;
        self->events.push_back(e);
        if (self->on_event)
            self->on_event(ev, ctx);
    }

    std::string traces()
    {
        char *raw = oat_shim_traces();
        std::string all = raw ? raw : "";
        oat_shim_free(raw);
        return all;
    }

    int count(int kind, wip_channel_t ch = nullptr) const
    {
        int n = 0;
        for (const auto &e : events.snapshot())
            if (e.kind == kind && (!ch || e.ch == ch))
                n++;
        return n;
    }
    std::vector<int> kinds(wip_channel_t ch) const
    {
        std::vector<int> k;
        for (const auto &e : events.snapshot())
            if (e.ch == ch)
                k.push_back(e.kind);
        return k;
    }
    const WipEv *last(int kind, wip_channel_t ch = nullptr) const
    {
        return events.find_last([&](const WipEv &e) { return e.kind == kind && (!ch || e.ch == ch); });
    }

    // Open and start the GPRS bearer; returns once it is IP-connected (default 1 s delay).
    static inline std::vector<int> bearer_events;
    static void bearer_handler(wip_bearer_t, s8 ev, void *) { bearer_events.push_back(ev); }
    wip_bearer_t bearer = nullptr;
    void start_bearer()
    {
        bearer_events.clear();
        task([&] {
            ASSERT_EQ(0, wip_bearerOpen(&bearer, "GPRS", bearer_handler, nullptr));
            s8 rc = wip_bearerStart(bearer);
            ASSERT_TRUE(rc == 0 || rc == WIP_BERR_OK_INPROGRESS) << (int)rc;
        });
        oat_shim_advance_ms(5000);
        ASSERT_FALSE(bearer_events.empty());
        ASSERT_EQ(WIP_BEV_IP_CONNECTED, bearer_events.back());
    }

    // Wait (host time, bounded) for a condition that host I/O makes true; the condition runs
    // with the event record locked, so handlers pushing into it never race with it.
    bool wait_until(std::function<bool()> cond, long long timeout_ms = 5000)
    {
        struct Arg {
            std::function<bool()> *cond;
            std::recursive_mutex *mu;
        } arg{ &cond, &events.lock() };
        auto trampoline = [](void *p) {
            auto *a = static_cast<Arg *>(p);
            std::lock_guard<std::recursive_mutex> g(*a->mu);
            return (*a->cond)();
        };
        return oat_shim_wait_for(trampoline, &arg, timeout_ms);
    }
};

#endif
