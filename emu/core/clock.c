/* clock.c: the emulated time base. Real mode reads the host monotonic clock; virtual mode
 * holds a counter that only the I/O loop moves forward. Nothing here sleeps. */
#include "core/clock.h"

#include <stdatomic.h>
#include <time.h>

static bool clock_virtual;
static _Atomic int64_t virtual_us;
static int64_t host_boot_us;

int64_t oat_clock_host_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void oat_clock_init(bool is_virtual)
{
    clock_virtual = is_virtual;
    atomic_store(&virtual_us, 0);
    host_boot_us = oat_clock_host_us();
}

bool oat_clock_is_virtual(void)
{
    return clock_virtual;
}

int64_t oat_now_us(void)
{
    if (clock_virtual)
        return atomic_load(&virtual_us);
    return oat_clock_host_us() - host_boot_us;
}

void oat_clock_set_virtual(int64_t us)
{
    if (us > atomic_load(&virtual_us))
        atomic_store(&virtual_us, us);
}
