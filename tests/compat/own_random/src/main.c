/* own_random: the application defines names the host C library also has (random, index,
 * bzero, strlcpy, min, its own bool): adl_global.h must not have declared them. */
#include "adl_global.h"

typedef unsigned char bool;
#define min(a, b) ((a) < (b) ? (a) : (b))

static u32 seed = 7;
int random(void) { seed = seed * 1103515245u + 12345u; return (int)((seed >> 16) & 0x7FFF); }
char *index(char *s, int c) { while (*s && *s != c) s++; return *s ? s : NULL; }
void bzero(char *p, u32 n) { while (n--) *p++ = 0; }
u32 strlcpy(char *d, const char *s, u32 n) { u32 i = 0; for (; i + 1 < n && s[i]; i++) d[i] = s[i]; d[i] = 0; return i; }

static void MainTask(void)
{
    char buf[8];
    bool ok = TRUE;
    ok = ok && random() == 19564;     /* our generator, not the C library's */
    bzero(buf, sizeof buf);
    ok = ok && strlcpy(buf, "abcdefghij", sizeof buf) == 7 && index(buf, 'c') == buf + 2;
    ok = ok && min(3, 4) == 3;
    TRACE((1, ok ? "compat own_random: ok" : "compat own_random: FAIL"));
}

const adl_InitTasks_t adl_InitTasks[] = { { MainTask, 4096, "main", 1 }, { 0, 0, 0, 0 } };
