/* core_options.h: the core's own options (--clock, --run-for, --trace, --calls, --slow-time) and
 * where they are kept; the other layers register theirs in their own files. */
#ifndef OAT_CORE_OPTIONS_H
#define OAT_CORE_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    bool clock_virtual;
    int64_t run_for_us;          /* < 0: run until stopped */
    uint32_t trace_levels;       /* bit (n-1) set: level n shown, n = 1..32 */
    char trace_file[512];        /* "" = stderr */
    bool calls;
    bool slow_time;              /* every virtual-time step through the loop thread */
} oat_core_config;

/* Register the core's options with the registry (core/config.h). Returns 0 or -1. */
int oat_core_options_register(void);
const oat_core_config *oat_core_cfg(void);

#endif
