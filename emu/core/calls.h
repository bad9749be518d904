/* calls.h: the call log of behaviour §9. Every public ADL/WIP function reports through
 * these macros ("CALL name(args) -> result"), and every event delivered to an application
 * handler through OAT_EVENT ("EVENT ..."). Off by default; --calls / OATEMU_CALLS=1. */
#ifndef OAT_CALLS_H
#define OAT_CALLS_H

#include <stdbool.h>

extern bool oat_calls_enabled;

/* result_name may be NULL; args is a printf format for the argument list. */
void oat_call_log_ret(const char *fn, long long result, const char *result_name,
                      const char *args, ...) __attribute__((format(printf, 4, 5)));
void oat_call_log_ptr(const char *fn, const void *result, const char *args, ...)
    __attribute__((format(printf, 3, 4)));
void oat_call_log_void(const char *fn, const char *args, ...) __attribute__((format(printf, 2, 3)));
void oat_event_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define OAT_CALL_RET(fn, result, result_name, ...) \
    do { if (oat_calls_enabled) oat_call_log_ret(fn, (long long)(result), result_name, __VA_ARGS__); } while (0)
#define OAT_CALL_PTR(fn, result, ...) \
    do { if (oat_calls_enabled) oat_call_log_ptr(fn, (const void *)(result), __VA_ARGS__); } while (0)
#define OAT_CALL_VOID(fn, ...) \
    do { if (oat_calls_enabled) oat_call_log_void(fn, __VA_ARGS__); } while (0)
#define OAT_EVENT(...) \
    do { if (oat_calls_enabled) oat_event_log(__VA_ARGS__); } while (0)

#endif
