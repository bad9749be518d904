/* modem_internal.h: what the modem model's files share: answer helpers, the kept settings,
 * the user's extension file. AT lock held in every call. Not for applications. */
#ifndef OAT_ADL_MODEM_INTERNAL_H
#define OAT_ADL_MODEM_INTERNAL_H

#include "adl/at_internal.h"

#include <stdbool.h>

typedef struct {
    const char *name;                              /* "AT+WHCNF" */
    void (*run)(int port, const oat_at_cmd *c);
} oat_modem_cmd;

/* ---- modem.c: answers on the port of the running command ---- */

void oat_modem_info(int port, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void oat_modem_ok(int port);
void oat_modem_error(int port);
void oat_modem_cme(int port, int code);            /* ERROR unless AT+CMEE=1/2 */
void oat_modem_unsupported(int port, const oat_at_cmd *c, const char *why);
/* A numeric parameter i in [min, max], or -1 (missing or not a number). */
int oat_modem_int_param(const oat_at_cmd *c, int i, int min, int max);
int oat_modem_reg_stat(void);                      /* 0, 2, then 1 or 5 */

/* ---- modem_settings.c: settings kept across the run, and across boots in the flash dir
 * for those the module keeps ---- */

extern const oat_modem_cmd oat_modem_settings_cmds[];
extern const int oat_modem_settings_count;
void oat_modem_settings_start(void);
void oat_modem_settings_stop(void);
const char *oat_modem_setting(const char *key, const char *dflt);
void oat_modem_setting_set(const char *key, const char *value, bool keep);

/* ---- modem_timed.c: AT+CALA, AT+CCED, AT+CCLK= ---- */

extern const oat_modem_cmd oat_modem_timed_cmds[];
extern const int oat_modem_timed_count;
void oat_modem_timed_start(void);     /* after the settings: alarms kept are armed again */
void oat_modem_timed_stop(void);
void oat_modem_cclk_set(int port, const oat_at_cmd *c);

/* ---- modem_gprs.c: AT+CGDCONT, AT+CGACT, AT+CGATT ---- */

extern const oat_modem_cmd oat_modem_gprs_cmds[];
extern const int oat_modem_gprs_count;

/* ---- modem_user.c: --modem=<file> ---- */

void oat_modem_user_start(void);
void oat_modem_user_stop(void);
/* Answer cmd from the user's file: true if an entry matched. */
bool oat_modem_user_exec(int port, const oat_at_cmd *cmd);

#endif
