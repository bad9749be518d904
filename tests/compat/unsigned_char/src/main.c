/* unsigned_char: plain char compared with values >= 0x80, as ARM code does where char is
 * unsigned; with a signed char every test below is false. */
#include "adl_global.h"

static const ascii latin1[] = "caf\xE9";

static void MainTask(void)
{
    char c = latin1[3];
    int index = c;
    bool ok = c >= 0x80 && c == 0xE9 && index == 233 && (ascii)0xFF > 0;
    TRACE((1, ok ? "compat unsigned_char: ok" : "compat unsigned_char: FAIL"));
}

const adl_InitTasks_t adl_InitTasks[] = { { MainTask, 4096, "main", 1 }, { 0, 0, 0, 0 } };
