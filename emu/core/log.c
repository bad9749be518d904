/* log.c: writes trace and diagnostic lines (emulated time, task, tag, text) to stderr or a
 * file, and keeps a copy in memory when tests ask for it. Lines from different threads never
 * interleave. It does no filtering and no formatting of application data. */
#include "core/log.h"
#include "core/clock.h"
#include "core/sched.h"
#include "core/loop.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;            /* NULL: stderr */
static bool log_quiet;            /* capture only (tests) */
static bool capture_on;
static char *capture_buf;
static size_t capture_len, capture_cap;

int oat_log_open(const char *path)
{
    pthread_mutex_lock(&log_mu);
    if (log_file) {
        fclose(log_file);
        log_file = NULL;
    }
    int rc = 0;
    if (path && *path) {
        log_file = fopen(path, "a");
        rc = log_file ? 0 : -1;
    }
    pthread_mutex_unlock(&log_mu);
    return rc;
}

void oat_log_close(void)
{
    oat_log_open(NULL);
}

void oat_log_capture(bool on)
{
    pthread_mutex_lock(&log_mu);
    capture_on = on;
    log_quiet = on && !getenv("OATEMU_SHIM_ECHO");
    pthread_mutex_unlock(&log_mu);
}

char *oat_log_take_capture(void)
{
    pthread_mutex_lock(&log_mu);
    char *out = capture_buf ? capture_buf : strdup("");
    capture_buf = NULL;
    capture_len = capture_cap = 0;
    pthread_mutex_unlock(&log_mu);
    return out;
}

static void capture_append(const char *s, size_t n)
{
    if (capture_len + n + 1 > capture_cap) {
        size_t cap = capture_cap ? capture_cap : 4096;
        while (cap < capture_len + n + 1)
            cap *= 2;
        char *grown = realloc(capture_buf, cap);
        if (!grown)
            return;
        capture_buf = grown;
        capture_cap = cap;
    }
    memcpy(capture_buf + capture_len, s, n);
    capture_len += n;
    capture_buf[capture_len] = '\0';
}

void oat_log_line(const char *tag, const char *text, size_t len)
{
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    const char *who = oat_task_current() ? oat_task_name(oat_task_current())
                      : oat_loop_is_current() ? "oatemu-io" : "host";
    int64_t us = oat_now_us();
    char head[96];
    int hn = snprintf(head, sizeof head, "[%6lld.%06lld] %-10s %-6s ", (long long)(us / 1000000),
                      (long long)(us % 1000000), who, tag);
    if (hn < 0)
        return;
    if ((size_t)hn >= sizeof head)
        hn = sizeof head - 1;
    pthread_mutex_lock(&log_mu);
    if (!log_quiet) {
        FILE *out = log_file ? log_file : stderr;
        fwrite(head, 1, (size_t)hn, out);
        fwrite(text, 1, len, out);
        fputc('\n', out);
        fflush(out);
    }
    if (capture_on) {
        capture_append(head, (size_t)hn);
        capture_append(text, len);
        capture_append("\n", 1);
    }
    pthread_mutex_unlock(&log_mu);
}

static void log_formatted(const char *tag, const char *fmt, va_list ap)
{
    char buf[1024];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0)
        return;
    oat_log_line(tag, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void oat_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_formatted("oatemu", fmt, ap);
    va_end(ap);
}

void oat_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_formatted("info", fmt, ap);
    va_end(ap);
}

void oat_unsupported(const char *fn)
{
    oat_warn("%s: not provided by oatemu (listed as missing in docs/api-coverage.md); "
             "the call fails", fn);
}
