/* calls.c: formats the call log (behaviour §9): one "CALL" line per API call with its
 * arguments and result, one "EVENT" line per event handed to an application handler. */
#include "core/calls.h"
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

bool oat_calls_enabled;

static int format_args(char *buf, size_t size, const char *fn, const char *args, va_list ap)
{
    int n = snprintf(buf, size, "%s(", fn);
    if (n < 0 || (size_t)n >= size)
        return (int)size - 1;
    int m = args ? vsnprintf(buf + n, size - (size_t)n, args, ap) : 0;
    if (m < 0)
        m = 0;
    n += m;
    if ((size_t)n >= size)
        n = (int)size - 1;
    int k = snprintf(buf + n, size - (size_t)n, ")");
    n += k > 0 ? k : 0;
    return (size_t)n >= size ? (int)size - 1 : n;
}

void oat_call_log_ret(const char *fn, long long result, const char *result_name, const char *args, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, args);
    int n = format_args(buf, sizeof buf, fn, args, ap);
    va_end(ap);
    if (result_name)
        n += snprintf(buf + n, sizeof buf - (size_t)n, " -> %lld (%s)", result, result_name);
    else
        n += snprintf(buf + n, sizeof buf - (size_t)n, " -> %lld", result);
    oat_log_line("CALL", buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void oat_call_log_ptr(const char *fn, const void *result, const char *args, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, args);
    int n = format_args(buf, sizeof buf, fn, args, ap);
    va_end(ap);
    n += snprintf(buf + n, sizeof buf - (size_t)n, result ? " -> %p" : " -> NULL", result);
    oat_log_line("CALL", buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void oat_call_log_void(const char *fn, const char *args, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, args);
    int n = format_args(buf, sizeof buf, fn, args, ap);
    va_end(ap);
    oat_log_line("CALL", buf, (size_t)n);
}

void oat_event_log(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    oat_log_line("EVENT", buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}
