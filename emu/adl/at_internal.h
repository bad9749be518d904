/* at_internal.h: what the AT service files share (parser, engine, host terminal, modem and
 * SIM models). Standard C types only; not for applications. */
#ifndef OAT_ADL_AT_INTERNAL_H
#define OAT_ADL_AT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/* ---- at_parse.c: one command line ---- */

#define OAT_AT_LINE_MAX 512

typedef struct oat_at_cmd {
    char *raw;          /* the line without spaces outside quotes (StrData) */
    char *name;         /* "AT+CREG", "ATE", "AT&F", "AT", case as typed */
    unsigned type;      /* ADL_CMD_TYPE_PARA, _TEST, _READ or _ACT */
    int npara;          /* entries in para; left-out parameters are NULL */
    char **para;
    int nb_para;        /* entries up to the last one given (NbPara) */
} oat_at_cmd;

enum { OAT_AT_PARSE_OK = 0, OAT_AT_PARSE_NOT_AT = -1, OAT_AT_PARSE_CONCAT = -2,
       OAT_AT_PARSE_BAD = -3, OAT_AT_PARSE_NOMEM = -4 };

int oat_at_parse(const char *line, oat_at_cmd *out);
void oat_at_cmd_free(oat_at_cmd *cmd);
const char *oat_at_parse_error(int code);
/* text quoted with CR, LF and controls escaped, cut to fit buf (for traces and the call log). */
const char *oat_at_show(const char *text, char *buf, size_t size);

/* ---- at_concat.c: "AT+A;+B" gives "AT+A" and "AT+B" (malloc'd). 1 split, 0 a single
 * command (nothing set), -1 out of memory. ---- */

int oat_at_concat_split(const char *line, char **first, char **rest);

/* ---- at.c: the engine. "_locked" functions expect the AT lock held (modem callbacks). ---- */

/* Bytes from the host terminal of UART1 (any thread). */
void oat_at_feed(const char *bytes, size_t len);
/* The terminal wrote everything it held: the module may stop if the input ended. */
void oat_at_output_drained(void);
/* Output of a command running on port (kind ADL_AT_RSP/INT/UNS). */
void oat_at_emit_locked(int port, unsigned kind, const char *text);
/* An unsolicited line of the modem: to the adl_atUnSoSubscribe handlers, else to UART1. */
void oat_at_unsolicited_locked(const char *text);
void oat_at_set_echo_locked(int port, bool on);
/* UART2 / USB opened or closed (AT+WMFM); other ports stay as they are. */
void oat_at_port_set_open_locked(int port, bool open);
bool oat_at_port_is_open(int port);           /* takes the AT lock */
void oat_at_lock(void);
void oat_at_unlock(void);

/* ---- at_port.c: the host side of UART1, from --at (adl_options.h) ---- */

int oat_term_open(const char *spec);
void oat_term_close(void);
void oat_term_write(const char *data, size_t len);
bool oat_term_drained(void);
char *oat_term_take_output(void);     /* "none" port: malloc'd, "" when nothing */
bool oat_term_echo_default(void);

/* ---- modem.c: the commands the module itself answers (AT lock held) ---- */

void oat_modem_start(void);
void oat_modem_stop(void);
void oat_modem_exec_locked(int port, const oat_at_cmd *cmd);
/* The SIM finished its start-up: the network registration follows (no lock held). */
void oat_modem_sim_ready(void);

/* ---- sim.c: the SIM card model ---- */

void oat_sim_start(void);
bool oat_sim_is_ready(void);                 /* PIN accepted (or none) */
const char *oat_sim_cpin_text(void);         /* "READY", "SIM PIN" or "SIM PUK" */
/* 0 accepted, -1 wrong code, -2 the SIM waits for no such code. Verdict events follow. */
int oat_sim_enter_pin(const char *pin);
int oat_sim_enter_puk(const char *puk, const char *new_pin);

/* ---- port.c: forget the port subscriptions (called by oat_at_stop) ---- */

void oat_port_stop(void);

/* ---- str.c ---- */

/* The text of a standard response with an optional argument (arg may be NULL); malloc'd. */
char *oat_str_response(int id, const char *arg);
/* The adl_strID_e value a response text starts with (leading CR/LF skipped). */
int oat_str_id_of(const char *rsp);

#endif
