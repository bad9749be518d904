/* clock.h: the emulated time base (behaviour §2). Real: host monotonic time since boot.
 * Virtual: moves only when the loop advances it (jumps to the next timer when idle). */
#ifndef OAT_CLOCK_H
#define OAT_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define OAT_MS_PER_HOUR 3600000u

void oat_clock_init(bool is_virtual);
bool oat_clock_is_virtual(void);
int64_t oat_now_us(void);                 /* emulated µs since the module booted */
void oat_clock_set_virtual(int64_t us);   /* loop only: move virtual time forward to us */
int64_t oat_clock_host_us(void);          /* host monotonic µs, for real-time waits */

#endif
