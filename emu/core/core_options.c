/* core_options.c: parses and keeps the core's options: the time base, the run length, the trace
 * levels and file, the call log and the old virtual-time hand-off path. No other layer's option. */
#include "core/core_options.h"
#include "core/config.h"

#include <stdlib.h>
#include <string.h>

static oat_core_config core;

static void clock_reset(void) { core.clock_virtual = false; }
static int clock_set(const char *v, char *err, size_t errlen)
{
    if (!strcmp(v, "real"))
        core.clock_virtual = false;
    else if (!strcmp(v, "virtual"))
        core.clock_virtual = true;
    else
        return oat_option_fail(err, errlen, "--clock: '%s' is neither real nor virtual", v);
    return 0;
}

static void run_for_reset(void) { core.run_for_us = -1; }
static int run_for_set(const char *v, char *err, size_t errlen)
{
    if (oat_parse_duration_us(v, &core.run_for_us))
        return oat_option_fail(err, errlen, "--run-for: '%s' is not a duration (e.g. 500ms, 30s, "
                               "2h)", v);
    return 0;
}

static int parse_level_range(const char *item, uint32_t *mask)
{
    size_t dash = strcspn(item, "-");
    uint64_t lo, hi;
    if (oat_parse_uint(item, dash, 32, &lo))
        return -1;
    hi = lo;
    if (item[dash] == '-' && oat_parse_uint(item + dash + 1, strlen(item + dash + 1), 32, &hi))
        return -1;
    if (lo < 1 || lo > hi)
        return -1;
    for (uint64_t n = lo; n <= hi; n++)
        *mask |= 1u << (n - 1);
    return 0;
}

static void trace_reset(void)
{
    core.trace_levels = 0xFFFFFFFFu;
    core.trace_file[0] = '\0';
}
static int trace_set(const char *spec, char *err, size_t errlen)
{
    uint32_t mask = 0;
    bool levels_given = false;
    char buf[1024];
    if (strlen(spec) >= sizeof buf)
        return oat_option_fail(err, errlen, "--trace: value too long (%s)", spec);
    memcpy(buf, spec, strlen(spec) + 1);
    for (char *save, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        if (!strncmp(item, "file:", 5)) {
            if (!item[5])
                return oat_option_fail(err, errlen, "--trace: file: needs a path (%s)", spec);
            if (oat_option_copy(core.trace_file, sizeof core.trace_file, "trace", item + 5, err,
                                errlen))
                return -1;
        } else if (!strcmp(item, "none")) {
            levels_given = true;
        } else if (!strcmp(item, "all")) {
            levels_given = true;
            mask = 0xFFFFFFFFu;
        } else if (parse_level_range(item, &mask) == 0) {
            levels_given = true;
        } else {
            return oat_option_fail(err, errlen, "--trace: '%s' is not a level (1-32), a range N-M, "
                                   "all, none or file:<path> (in %s)", item, spec);
        }
    }
    if (levels_given)
        core.trace_levels = mask;
    return 0;
}

static void calls_reset(void) { core.calls = false; }
static int calls_set(const char *v, char *err, size_t errlen)
{
    if (oat_parse_bool(v, &core.calls))
        return oat_option_fail(err, errlen, "--calls: '%s' is not 0/1/on/off", v);
    return 0;
}

static void slow_time_reset(void) { core.slow_time = false; }
static int slow_time_set(const char *v, char *err, size_t errlen)
{
    if (oat_parse_bool(v, &core.slow_time))
        return oat_option_fail(err, errlen, "--slow-time: '%s' is not 0/1/on/off", v);
    return 0;
}

static const oat_option core_options[] = {
    { "clock", { "OATEMU_CLOCK" }, "real|virtual",
      "time base: host time, or virtual time that jumps to the next timer when idle\n"
      "(default real)", clock_set, clock_reset, false, false },
    { "run-for", { "OATEMU_RUN_FOR" }, "<duration>",
      "stop after that much emulated time, exit 0 (500ms, 30s, 5m, 2h, 1d)",
      run_for_set, run_for_reset, false, false },
    { "trace", { "OATEMU_TRACE" }, "<spec>",
      "trace levels shown and where: comma list of N, N-M, all, none, file:<path>\n"
      "(default all)", trace_set, trace_reset, false, false },
    { "calls", { "OATEMU_CALLS" }, NULL, "log every ADL/WIP call and every event (OATEMU_CALLS=1)",
      calls_set, calls_reset, true, false },
    { "slow-time", { "OATEMU_SLOW_TIME" }, NULL,
      "hand every virtual-time step to the loop thread (the old path, kept to compare\n"
      "with; OATEMU_SLOW_TIME=1)", slow_time_set, slow_time_reset, true, false },
};

int oat_core_options_register(void)
{
    return oat_config_register(core_options, sizeof core_options / sizeof core_options[0]);
}

const oat_core_config *oat_core_cfg(void)
{
    return &core;
}
