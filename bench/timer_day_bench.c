/* timer_day_bench.c: one simulated day of a cyclic 100 ms ADL timer in virtual time. Prints
 * the number of fires, the wall time taken and the speed-up over real time. No asserts. */
#include "shim.h"

#include <stdio.h>
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

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    static const char *const flags[] = { "--trace=none", NULL };
    if (oat_shim_boot_tasks(tasks, flags) != 0)
        return 1;
    double t0 = wall_seconds();
    oat_shim_advance_ms(86400LL * 1000);
    double wall = wall_seconds() - t0;
    oat_shim_stop();
    printf("virtual day: %u fires of a 100 ms cyclic timer (expected 864000)\n", (unsigned)fires);
    printf("wall time: %.2f s; emulated/wall ratio: %.0fx; %.0f timer events/s\n", wall,
           86400.0 / wall, fires / wall);
    return fires == 864000 ? 0 : 1;
}
