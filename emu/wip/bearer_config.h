/* bearer_config.h: the --bearer / OATEMU_BEARER spec (behaviour §6, §8): how long a start
 * takes, what it expects, whether it fails or drops later. Parsing only; no bearer state. */
#ifndef OAT_BEARER_CONFIG_H
#define OAT_BEARER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Defaults when the spec does not say (docs): delay 1 s (GPRS, GSM, UART1, UART2), 0 for
 * ETHER; no drop; no expected APN or credentials; DNS 8.8.8.8 and 8.8.4.4. */
#define OAT_BEARER_DELAY_US 1000000
#define OAT_BEARER_ETHER_DELAY_US 0

typedef struct {
    int64_t delay_us;        /* < 0: the per-bearer default */
    int64_t drop_us;         /* < 0: a connected bearer never drops */
    char apn[128];           /* "" = any APN is accepted */
    char login[128];         /* "" = any login is accepted */
    char password[128];      /* "" = any password is accepted */
    int fail;                /* 0, or the WIP_BERR_* cause every start fails with */
    uint32_t dns1, dns2;     /* network byte order */
} oat_bearer_cfg;

/* Parse "key=value,..." (keys: delay, drop, apn, login, password, fail, dns1, dns2). An
 * empty or NULL spec gives the defaults. Returns 0, or -1 with a message in err. */
int oat_bearer_config_parse(const char *spec, oat_bearer_cfg *out, char *err, size_t len);
/* The same check for the configuration loader: 0 or -1 (err filled). */
int oat_bearer_config_check(const char *spec, char *err, size_t len);

#endif
