/* log.h: the one output of traces and emulator diagnostics. Each line carries the emulated
 * time, the task name and a tag (level or "oatemu"); it goes to stderr, a file, or a memory
 * capture read by tests. It never filters: callers decide what to show. */
#ifndef OAT_LOG_H
#define OAT_LOG_H

#include <stdbool.h>
#include <stddef.h>

int oat_log_open(const char *path);   /* NULL or "" = stderr; returns 0 or -1 */
void oat_log_close(void);
void oat_log_capture(bool on);        /* also keep every line in memory (tests) */
char *oat_log_take_capture(void);     /* malloc'd text captured so far (caller frees); clears */

/* Write one line: "[    12.345678] <task> <tag> <text>". text need not be NUL-terminated. */
void oat_log_line(const char *tag, const char *text, size_t len);

/* Emulator diagnostics, printf-style, one line each. oat_warn is for rejected calls and
 * suspicious use ("which call, which argument, why"); oat_info for lifecycle news. */
void oat_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void oat_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An API oatemu does not provide: one trace line per call naming it and pointing at
 * docs/api-coverage.md. The caller then returns its error code. */
void oat_unsupported(const char *fn);

#endif
