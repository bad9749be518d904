/* config.h: the option registry (behaviour §8): each layer registers its options (flag, OATEMU_*
 * variables, help, parser); the registry applies defaults, then variables, then --flags (the flag
 * wins) and writes --help. It stores nothing of any option: each layer keeps its own settings. */
#ifndef OAT_CONFIG_H
#define OAT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The highest TCP or UDP port number. */
#define OAT_PORT_MAX 65535u

/* Parse, validate and store one value of an option. Returns 0, or -1 with a one-line message
 * naming the option in err (errlen bytes). */
typedef int (*oat_option_set_fn)(const char *value, char *err, size_t errlen);

typedef struct {
    const char *flag;           /* "clock" for --clock */
    const char *vars[3];        /* variables, NULL-ended: vars[0] is shown in --help and wins over
                                 * the aliases after it (SSLKEYLOGFILE for --ssl-keylog) */
    const char *arg;            /* the value's shape in --help ("real|virtual"); NULL: none */
    const char *help;           /* what it does; '\n' starts another help line */
    oat_option_set_fn set;
    void (*reset)(void);        /* back to the default before a load; NULL: nothing to reset */
    bool bare;                  /* "--flag" alone means "--flag=" */
    bool live;                  /* may change on a running module (oat_config_set_active) */
} oat_option;

/* Add a layer's options (kept by pointer, in this order in --help). A flag or variable already
 * registered is refused loudly: a line on stderr, nothing of the table added, -1. */
int oat_config_register(const oat_option *table, size_t count);
/* Every registered option back to its default; app_name names the application (flash path). */
void oat_config_defaults(const char *app_name);
const char *oat_config_app_name(void);
/* Apply the variables of every option, then argv flags. Returns 0, 1 when --help was asked (help
 * printed to stdout), or -1 with a message in err. */
int oat_config_load(int argc, char **argv, char *err, size_t errlen);
/* Set one option by its flag name ("clock", "run-for", ...). Returns 0 or -1 (err filled). */
int oat_config_set(const char *name, const char *value, char *err, size_t errlen);
/* The same on the running module (the test kit's world controls): only options marked live, as
 * "bearer", which are read when used. Call it in a task. Returns 0 or -1 (err filled). */
int oat_config_set_active(const char *name, const char *value, char *err, size_t errlen);
/* The help of every registered option, in registration order. */
const char *oat_config_help(void);

/* Shared parsers and helpers for the layers' set functions. */
/* "1.5s", "500ms", "2h": decimal digits, an optional fraction, a unit (us, ms, s, m, min, h,
 * d; none = s). Returns 0, or -1 for anything else. */
int oat_parse_duration_us(const char *text, int64_t *out_us);
/* len decimal digits (no sign, no space) whose value is at most max. Returns 0 or -1. */
int oat_parse_uint(const char *text, size_t len, uint64_t max, uint64_t *out);
/* A port number of len digits (0 only when zero_ok). Returns 0 or -1. */
int oat_parse_port(const char *text, size_t len, bool zero_ok, uint16_t *out);
/* "", 1, on, yes, true / 0, off, no, false. Returns 0 or -1. */
int oat_parse_bool(const char *text, bool *out);
/* Copy value into dst (size bytes) or refuse it as too long for --flag. Returns 0 or -1. */
int oat_option_copy(char *dst, size_t size, const char *flag, const char *value, char *err,
                    size_t errlen);
/* Fill err with a formatted message; returns -1. */
int oat_option_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
