/* trace.c: application traces (adl_trcPrint, adl_trcDump) filtered by level and written to the
 * log under the task's name. It must not hide module traps: %s and text over 255 bytes print
 * correctly here but are warned once per call site. */
#include "adl_traces.h"
#include "adl_error.h"

#include "adl/services.h"
#include "core/calls.h"
#include "core/core_options.h"
#include "core/log.h"
#include "core/sched.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRC_MAX_TEXT 255          /* the module cuts a trace here */
#define TRC_MAX_ELEMENTS 64
#define TRC_DUMP_PER_LINE 16
#define TRC_PREVIEW 24            /* format characters quoted in warnings */
#define TRC_ELEMENT_LEN 6

typedef enum { TRAP_PERCENT_S, TRAP_TOO_LONG } trc_trap;

typedef struct {
    const void *site;
    trc_trap trap;
} trc_site;

/* Emulator threads may trace while a task does: everything below is under trc_lock. */
static pthread_mutex_t trc_lock = PTHREAD_MUTEX_INITIALIZER;
static bool trc_started;
static u32 trc_mask;
static adl_trcCfg_t trc_elements[TRC_MAX_ELEMENTS];
static int trc_element_count;
static trc_site *trc_warned;
static size_t trc_warned_count;
static size_t trc_warned_cap;

void oat_trace_start(void)
{
    pthread_mutex_lock(&trc_lock);
    trc_mask = oat_core_cfg()->trace_levels;
    trc_element_count = 0;
    trc_warned_count = 0;
    trc_started = true;
    pthread_mutex_unlock(&trc_lock);
}

void oat_trace_stop(void)
{
    pthread_mutex_lock(&trc_lock);
    free(trc_warned);
    trc_warned = NULL;
    trc_warned_count = 0;
    trc_warned_cap = 0;
    trc_element_count = 0;
    trc_started = false;
    pthread_mutex_unlock(&trc_lock);
}

/* The first characters of a format, printable, for warnings. */
static void trc_preview(const char *fmt, char out[TRC_PREVIEW + 4])
{
    size_t i = 0;
    for (; fmt[i] != '\0' && i < TRC_PREVIEW; i++)
        out[i] = (fmt[i] >= 0x20 && fmt[i] < 0x7f) ? fmt[i] : '.';
    if (fmt[i] != '\0') {
        memcpy(out + i, "...", 3);
        i += 3;
    }
    out[i] = '\0';
}

/* True the first time (site, trap) is seen in this run. */
static bool trc_first_time(const void *site, trc_trap trap)
{
    bool first = true;
    pthread_mutex_lock(&trc_lock);
    for (size_t i = 0; i < trc_warned_count; i++) {
        if (trc_warned[i].site == site && trc_warned[i].trap == trap) {
            first = false;
            break;
        }
    }
    if (first) {
        if (trc_warned_count == trc_warned_cap) {
            size_t cap = trc_warned_cap ? trc_warned_cap * 2 : 32;
            trc_site *grown = realloc(trc_warned, cap * sizeof *grown);
            if (grown != NULL) {
                trc_warned = grown;
                trc_warned_cap = cap;
            }
        }
        if (trc_warned_count < trc_warned_cap)
            trc_warned[trc_warned_count++] = (trc_site){ site, trap };
    }
    pthread_mutex_unlock(&trc_lock);
    return first;
}

/* Does the format hold a %s conversion? Flags, width, precision and length are skipped. */
static bool trc_has_percent_s(const char *fmt)
{
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p != '\0' && strchr("-+ #0123456789.*hlLqjzt'", *p) != NULL)
            p++;
        if (*p == 's')
            return true;
        if (*p == '\0')
            break;
    }
    return false;
}

/* Split Level into level 1..32 and channel 0..32; false when out of range. */
static bool trc_split_level(u32 Level, u32 *lvl, u32 *chan)
{
    *lvl = Level & 0xFFu;
    *chan = (Level >> 8) & 0xFFu;
    return *lvl >= 1 && *lvl <= 32 && *chan <= 32 && (Level >> 16) == 0;
}

static bool trc_element_matches(const char *element_name, const char *name)
{
    return strncmp(element_name, name, TRC_ELEMENT_LEN) == 0;
}

/* The element a trace belongs to: its channel, else the calling task. */
static void trc_element_of(u32 chan, char name[16])
{
    if (chan != 0) {
        snprintf(name, 16, "OAT%02u", (unsigned)chan);
        return;
    }
    oat_task *t = oat_task_current();
    snprintf(name, 16, "%.*s", TRC_ELEMENT_LEN, t != NULL ? oat_task_name(t) : "");
}

static bool trc_shown(u32 lvl, u32 chan)
{
    char element[16];
    trc_element_of(chan, element);
    pthread_mutex_lock(&trc_lock);
    u32 mask = trc_started ? trc_mask : oat_core_cfg()->trace_levels;
    for (int i = 0; i < trc_element_count; i++) {
        if (trc_element_matches(trc_elements[i].name, element)) {
            mask = trc_elements[i].level_mask;
            break;
        }
    }
    pthread_mutex_unlock(&trc_lock);
    return (mask & (1u << (lvl - 1))) != 0;
}

/* "T<level>/OAT<channel>": sized for any two u32 values. */
#define TRC_TAG_MAX 32
static void trc_tag(u32 lvl, u32 chan, char tag[TRC_TAG_MAX])
{
    if (chan != 0)
        snprintf(tag, TRC_TAG_MAX, "T%u/OAT%02u", (unsigned)lvl, (unsigned)chan);
    else
        snprintf(tag, TRC_TAG_MAX, "T%u", (unsigned)lvl);
}

s32 adl_trcPrint(u32 Level, const ascii *fmt, ...)
{
    u32 lvl, chan;
    if (fmt == NULL) {
        oat_warn("adl_trcPrint: fmt is NULL; nothing traced");
        OAT_CALL_RET("adl_trcPrint", ADL_RET_ERR_PARAM, oat_adl_ret_name(ADL_RET_ERR_PARAM),
                     "0x%x, NULL", (unsigned)Level);
        return ADL_RET_ERR_PARAM;
    }
    char preview[TRC_PREVIEW + 4];
    trc_preview(fmt, preview);
    if (!trc_split_level(Level, &lvl, &chan)) {
        oat_warn("adl_trcPrint: Level 0x%x for \"%s\" is not a level 1..32 with an optional "
                 "channel _OAT01.._OAT32; nothing traced", (unsigned)Level, preview);
        OAT_CALL_RET("adl_trcPrint", ADL_RET_ERR_PARAM, oat_adl_ret_name(ADL_RET_ERR_PARAM),
                     "0x%x, \"%s\"", (unsigned)Level, preview);
        return ADL_RET_ERR_PARAM;
    }
    if (trc_has_percent_s(fmt) && trc_first_time(fmt, TRAP_PERCENT_S))
        oat_warn("adl_trcPrint: format \"%s\" uses %%s, which module traces do not support "
                 "(the string is not printed there); printed correctly here", preview);

    char text[TRC_MAX_TEXT + 1];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (n > TRC_MAX_TEXT && trc_first_time(fmt, TRAP_TOO_LONG))
        oat_warn("adl_trcPrint: trace \"%s\" is %d bytes; the module cuts traces at %d bytes, "
                 "so is this one", preview, n, TRC_MAX_TEXT);
    size_t len = n > TRC_MAX_TEXT ? TRC_MAX_TEXT : (size_t)n;

    if (trc_shown(lvl, chan)) {
        char tag[TRC_TAG_MAX];
        trc_tag(lvl, chan, tag);
        oat_log_line(tag, text, len);
    }
    OAT_CALL_RET("adl_trcPrint", OK, NULL, "0x%x, \"%s\"", (unsigned)Level, preview);
    return OK;
}

void adl_trcDump(u32 Level, u8 *buf, u16 len)
{
    u32 lvl, chan;
    OAT_CALL_VOID("adl_trcDump", "0x%x, %p, %u", (unsigned)Level, (void *)buf, (unsigned)len);
    if (!trc_split_level(Level, &lvl, &chan)) {
        oat_warn("adl_trcDump: Level 0x%x is not a level 1..32 with an optional channel "
                 "_OAT01.._OAT32; nothing dumped", (unsigned)Level);
        return;
    }
    if (buf == NULL && len > 0) {
        oat_warn("adl_trcDump: buf is NULL with len %u; nothing dumped", (unsigned)len);
        return;
    }
    if (!trc_shown(lvl, chan))
        return;
    char tag[TRC_TAG_MAX];
    trc_tag(lvl, chan, tag);
    char line[TRC_DUMP_PER_LINE * 3 + 1];
    for (size_t off = 0; off < len; off += TRC_DUMP_PER_LINE) {
        size_t pos = 0;
        for (size_t i = off; i < len && i < off + TRC_DUMP_PER_LINE; i++)
            pos += (size_t)snprintf(line + pos, sizeof line - pos, pos ? " %02X" : "%02X", buf[i]);
        oat_log_line(tag, line, pos);
    }
}

u32 adl_trcLevGet(void)
{
    pthread_mutex_lock(&trc_lock);
    u32 mask = trc_started ? trc_mask : oat_core_cfg()->trace_levels;
    pthread_mutex_unlock(&trc_lock);
    OAT_CALL_RET("adl_trcLevGet", mask, NULL, "%s", "");
    return mask;
}

s32 adl_trcLevSet(u32 LevelMask)
{
    pthread_mutex_lock(&trc_lock);
    trc_mask = LevelMask;
    trc_started = true;
    pthread_mutex_unlock(&trc_lock);
    OAT_CALL_RET("adl_trcLevSet", OK, NULL, "0x%08x", (unsigned)LevelMask);
    return OK;
}

/* A usable element name: non-empty and NUL-terminated within name[7]. */
static bool trc_cfg_name_ok(const char *fn, const adl_trcCfg_t *cfg)
{
    if (cfg == NULL) {
        oat_warn("%s: cfg is NULL", fn);
        return false;
    }
    if (memchr(cfg->name, '\0', sizeof cfg->name) == NULL || cfg->name[0] == '\0') {
        oat_warn("%s: cfg->name must be 1..6 characters (a task name or OAT01..OAT32)", fn);
        return false;
    }
    return true;
}

s32 adl_trcSetCfg(const adl_trcCfg_t *cfg)
{
    if (!trc_cfg_name_ok("adl_trcSetCfg", cfg)) {
        OAT_CALL_RET("adl_trcSetCfg", ADL_RET_ERR_PARAM, oat_adl_ret_name(ADL_RET_ERR_PARAM),
                     "%p", (const void *)cfg);
        return ADL_RET_ERR_PARAM;
    }
    s32 ret = OK;
    pthread_mutex_lock(&trc_lock);
    int i = 0;
    while (i < trc_element_count && !trc_element_matches(trc_elements[i].name, cfg->name))
        i++;
    if (i < TRC_MAX_ELEMENTS) {
        trc_elements[i] = *cfg;
        if (i == trc_element_count)
            trc_element_count++;
    } else {
        ret = ADL_RET_ERR_NO_MORE_HANDLES;
    }
    pthread_mutex_unlock(&trc_lock);
    if (ret != OK)
        oat_warn("adl_trcSetCfg: cfg->name \"%s\": already %d elements configured, no room left",
                 cfg->name, TRC_MAX_ELEMENTS);
    OAT_CALL_RET("adl_trcSetCfg", ret, oat_adl_ret_name(ret), "{\"%s\", 0x%08x}", cfg->name,
                 (unsigned)cfg->level_mask);
    return ret;
}

s32 adl_trcGetCfg(adl_trcCfg_t *cfg)
{
    if (!trc_cfg_name_ok("adl_trcGetCfg", cfg)) {
        OAT_CALL_RET("adl_trcGetCfg", ADL_RET_ERR_PARAM, oat_adl_ret_name(ADL_RET_ERR_PARAM),
                     "%p", (void *)cfg);
        return ADL_RET_ERR_PARAM;
    }
    pthread_mutex_lock(&trc_lock);
    u32 mask = trc_started ? trc_mask : oat_core_cfg()->trace_levels;
    for (int i = 0; i < trc_element_count; i++) {
        if (trc_element_matches(trc_elements[i].name, cfg->name)) {
            mask = trc_elements[i].level_mask;
            break;
        }
    }
    pthread_mutex_unlock(&trc_lock);
    cfg->level_mask = mask;
    OAT_CALL_RET("adl_trcGetCfg", OK, NULL, "{\"%s\"} -> 0x%08x", cfg->name, (unsigned)mask);
    return OK;
}
