/* config.h: the emulator's configuration (behaviour §8): defaults, OATEMU_* variables, then
 * command-line flags (the flag wins). Only parsing and storage; layers read oat_cfg(). */
#ifndef OAT_CONFIG_H
#define OAT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct oat_config {
    bool clock_virtual;
    int64_t run_for_us;          /* < 0: run until stopped */
    char at[64];                 /* "stdio", "pty", "tcp:<port>", "none" */
    char flash_dir[512];
    uint32_t trace_levels;       /* bit (n-1) set: level n shown, n = 1..32 */
    char trace_file[512];        /* "" = stderr */
    bool calls;
    char host_map[1024];
    char expose[256];
    char bearer[256];
    char sim_pin[16];            /* "" = the SIM has no PIN */
    int creg_status;             /* 1 (home) or 5 (roaming) */
    int64_t rtc_start;           /* seconds since 1970 the RTC shows at boot; < 0 = host time */
    int64_t connect_timeout_us;  /* host TCP connect gives up (WIP_CERR_TIMEOUT) */
    int64_t modem_latency_us;    /* the modem answers an application's command after this */
    char modem_file[512];        /* "" = no user extension of the modem model */
    char ssl_keylog[512];        /* "" = no TLS key log */
} oat_config;

void oat_config_defaults(oat_config *c, const char *app_name);
/* Apply OATEMU_* variables, then argv flags. Returns 0, 1 when --help was asked (help
 * printed to stdout), or -1 with a message in err. */
int oat_config_load(oat_config *c, int argc, char **argv, char *err, size_t errlen);
/* Set one option by its flag name ("clock", "run-for", ...). Returns 0 or -1 (err filled). */
int oat_config_set(oat_config *c, const char *name, const char *value, char *err, size_t errlen);
const char *oat_config_help(void);
/* "1.5s", "500ms", "2h": decimal digits, an optional fraction, a unit (us, ms, s, m, min, h,
 * d; none = s). Returns 0, or -1 for anything else. */
int oat_parse_duration_us(const char *text, int64_t *out_us);
/* len decimal digits (no sign, no space) whose value is at most max. Returns 0 or -1. */
int oat_parse_uint(const char *text, size_t len, uint64_t max, uint64_t *out);

/* One --host-map entry "name[:port]=addr:port" (from_port 0: any port). Returns 0 or -1. */
typedef struct {
    char name[256];
    uint16_t from_port;
    char addr[256];
    uint16_t to_port;
} oat_host_map_item;
int oat_host_map_entry(const char *entry, size_t len, oat_host_map_item *out);

void oat_config_activate(const oat_config *c);
const oat_config *oat_cfg(void);
/* Change one option of the running module (the test kit's world controls); only options
 * read when used, as "bearer", take effect. Call it in a task. Returns 0 or -1 (err filled). */
int oat_config_set_active(const char *name, const char *value, char *err, size_t errlen);

#endif
