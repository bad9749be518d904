/* timer_day_bench.c: one simulated day of a cyclic 100 ms ADL timer in virtual time, measured
 * twice in the same run: with every step handed between the loop and task threads
 * (OATEMU_SLOW_TIME=1, the old path) and with idle tasks moving time themselves. Prints the
 * fires, wall times, speed-ups over real time and their ratio. No asserts. */
#include "shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static u32 fires;

static void on_tick(u8 id, void *ctx)
{
    (void)id;
    (void)ctx;
    fires++;
}

static void bench_task(void)
{
    adl_tmrSubscribe(TRUE, 1, ADL_TMR_TYPE_100MS, on_tick);
}

static const adl_InitTasks_t tasks[] = {
    { bench_task, 4096, "bench", 1 },
    { 0, 0, 0, 0 },
};

static double seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One simulated day; returns its wall time in seconds, or a negative value on failure. */
static double run_day(const char *label, bool slow)
{
    static const char *const flags[] = { "--trace=none", NULL };
    if (slow)
        setenv("OATEMU_SLOW_TIME", "1", 1);
    else
        unsetenv("OATEMU_SLOW_TIME");
    fires = 0;
    if (oat_shim_boot_tasks(tasks, flags) != 0)
        return -1;
    double t0 = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    oat_shim_advance_ms(86400LL * 1000);
    double wall = seconds(CLOCK_MONOTONIC) - t0;
    double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    oat_shim_stop();
    /* CPU time beside wall time: on a loaded machine the wall time is mostly waiting. */
    printf("%s: %u fires of a 100 ms cyclic timer (expected 864000); wall time %.2f s "
           "(CPU %.2f s); emulated/wall ratio %.0fx; %.0f timer events/s\n", label,
           (unsigned)fires, wall, cpu, 86400.0 / wall, fires / wall);
    return fires == 864000 ? wall : -1;
}

int main(void)
{
    double slow = run_day("hand-off path (OATEMU_SLOW_TIME=1)", true);
    double fast = run_day("idle task moves time", false);
    if (slow < 0 || fast < 0)
        return 1;
    printf("speed-up of the idle-task path over the hand-off path: %.1fx\n", slow / fast);
    return 0;
}
