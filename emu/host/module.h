/* module.h: one emulated module's life: start the core and the ADL services, boot the
 * application's entry points, stop and release everything (so tests can boot again). */
#ifndef OAT_MODULE_H
#define OAT_MODULE_H

#include "adl_AppliInit.h"

typedef struct {
    const adl_InitTasks_t *tasks;            /* OS 6.x task table, or NULL */
    void (*main_fn)(adl_InitType_e);         /* adl_main style, or NULL */
    u32 main_stack;                          /* wm_apmCustomStackSize for adl_main */
} oat_boot;

/* Start with the loaded configuration (core/config.h) and boot. Returns 0, or a launch failure code (> 0, the codes
 * AT+WOPEN=7 shows: 16 no task declared, 17 bad priority, 5 too many tasks),
 * OAT_MODULE_BAD_CONFIG with the reason in err when a configured path (trace file, flash
 * directory) cannot be used, or -1 when a host resource (thread, descriptor) could not be had. */
#define OAT_MODULE_BAD_CONFIG (-2)
int oat_module_start(const oat_boot *boot, char *err, size_t errlen);
/* Wait until the module stops (run-for end, stdio EOF, adl_errHalt); returns its exit code. */
int oat_module_wait(void);
/* Stop and release; returns the exit code (from the stop request, or 0). */
int oat_module_stop(void);

#endif
