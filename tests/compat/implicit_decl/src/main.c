/* implicit_decl: a call without a prototype, a pointer of the wrong type and an integer
 * stored in a pointer: warnings under the SDK's GCC, errors under GCC >= 14 by default. */
#include "adl_global.h"

static void MainTask(void)
{
    u8 buf[4] = { 1, 2, 3, 4 };
    ascii *text = buf;                 /* incompatible pointer types */
    int sum = add_numbers(20, 22);     /* implicit declaration: defined in helper.c */
    void *none = 0;
    int zero = (int)(long)none;
    bool ok = sum == 42 && text[3] == 4 && zero == 0;
    TRACE((1, ok ? "compat implicit_decl: ok" : "compat implicit_decl: FAIL"));
}

const adl_InitTasks_t adl_InitTasks[] = { { MainTask, 4096, "main", 1 }, { 0, 0, 0, 0 } };
