/* adl_options.h: the ADL layer's options (--at, --flash-dir, --sim-pin, --creg, --rtc,
 * --modem-latency, --modem) and where they are kept; each ADL service reads its own here. */
#ifndef OAT_ADL_OPTIONS_H
#define OAT_ADL_OPTIONS_H

#include <stdint.h>

#define OAT_FLASH_DIR_MAX 512

typedef struct {
    char at[64];                     /* "stdio", "pty", "tcp:<port>", "none" */
    char flash_dir[OAT_FLASH_DIR_MAX];
    char sim_pin[16];                /* "" = the SIM has no PIN */
    int creg_status;                 /* 1 (home) or 5 (roaming) */
    int64_t rtc_start;               /* seconds since 1970 the RTC shows at boot; < 0 = host time */
    int64_t modem_latency_us;        /* the modem answers an application's command after this */
    char modem_file[512];            /* "" = no user extension of the modem model */
} oat_adl_config;

/* Register the ADL options with the registry (core/config.h). Returns 0 or -1. */
int oat_adl_options_register(void);
const oat_adl_config *oat_adl_cfg(void);

#endif
