/* va_list_twice: one va_list given to two vsprintf calls without va_copy. On the module a
 * va_list is a pointer passed by value, so both see every argument; not so on x86-64. */
#include "adl_global.h"

static ascii first[64], second[64];

static void format_twice(const ascii *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wm_vsprintf(first, fmt, ap);
    wm_vsprintf(second, fmt, ap);
    va_end(ap);
}

static void MainTask(void)
{
    format_twice("%d %d %d %d %d %d %d", 1, 2, 3, 4, 5, 6, 7);
    bool ok = wm_strcmp(first, "1 2 3 4 5 6 7") == 0 && wm_strcmp(second, first) == 0;
    TRACE((1, ok ? "compat va_list_twice: ok" : "compat va_list_twice: FAIL"));
}

const adl_InitTasks_t adl_InitTasks[] = { { MainTask, 4096, "main", 1 }, { 0, 0, 0, 0 } };
