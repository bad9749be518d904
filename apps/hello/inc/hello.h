/* hello.h: shared declarations of the hello sample (task-table style Open AT application). */
#ifndef HELLO_H
#define HELLO_H

#include "adl_global.h"

#define HELLO_FLASH_HANDLE   "HELLO"
#define HELLO_FLASH_BOOTS    0      /* u32: how many times the application started */
#define HELLO_FLASH_LAST_N   1      /* u32: the last <n> given to AT+HELLO */
#define HELLO_FLASH_OBJECTS  2

#define HELLO_TICK_100MS     10     /* the heartbeat timer: 1 s */
#define HELLO_CREG_RETRY_100MS 20   /* AT+CREG? polling period: 2 s */
#define HELLO_MAX_N          10

void hello_Task(void);
void hello_CmdSubscribe(void);
void hello_NetworkStart(void);

extern u32 hello_Boots;
extern u32 hello_Ticks;
extern u32 hello_LastN;

#endif
