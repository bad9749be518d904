/* ptr_in_u32: pointers kept in u32 and int, and an int cast for alignment arithmetic: right
 * on the module (32-bit pointers), broken wherever pointers are 64 bits. */
#include "adl_global.h"

typedef struct { u32 payload; u32 len; } message_t;     /* payload holds a pointer */

static ascii text[] = "kept in a u32";

static void MainTask(void)
{
    message_t m;
    u8 *block = adl_memGet(64);
    int aligned = ((int)block + 3) & ~3;
    m.payload = (u32)text;
    m.len = sizeof text;
    ascii *back = (ascii *)m.payload;
    bool ok = wm_strcmp(back, "kept in a u32") == 0 && (u8 *)aligned >= block &&
              (u8 *)aligned < block + 4;
    ((u8 *)aligned)[0] = 1;
    adl_memRelease(block);
    TRACE((1, ok ? "compat ptr_in_u32: ok" : "compat ptr_in_u32: FAIL"));
}

const adl_InitTasks_t adl_InitTasks[] = { { MainTask, 4096, "main", 1 }, { 0, 0, 0, 0 } };
