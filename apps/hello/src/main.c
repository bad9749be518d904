/* main.c: entry of the hello sample. It declares the task table, counts boots in flash,
 * starts a 1 s heartbeat timer and waits for the SIM before polling network registration. */
#include "adl_global.h"
#include "hello.h"

const adl_InitTasks_t adl_InitTasks[] = {
    { hello_Task, ADL_DECLARE_CALL_STACK(2048), "hello", 1 },
    { 0, 0, 0, 0 }
};

u32 hello_Boots;
u32 hello_Ticks;
u32 hello_LastN;

static void hello_TickHandler(u8 ID, void *Context)
{
    (void)ID;
    (void)Context;
    hello_Ticks++;
    TRACE((2, "hello: heartbeat %d", hello_Ticks));
}

static void hello_FlashLoad(void)
{
    s8 sret = adl_flhSubscribe(HELLO_FLASH_HANDLE, HELLO_FLASH_OBJECTS);
    if (sret != OK && sret != ADL_RET_ERR_ALREADY_SUBSCRIBED) {
        TRACE((1, "hello: flash subscribe failed %d", sret));
        return;
    }
    if (adl_flhExist(HELLO_FLASH_HANDLE, HELLO_FLASH_BOOTS) == sizeof(u32))
        adl_flhRead(HELLO_FLASH_HANDLE, HELLO_FLASH_BOOTS, sizeof(u32), (u8 *)&hello_Boots);
    if (adl_flhExist(HELLO_FLASH_HANDLE, HELLO_FLASH_LAST_N) == sizeof(u32))
        adl_flhRead(HELLO_FLASH_HANDLE, HELLO_FLASH_LAST_N, sizeof(u32), (u8 *)&hello_LastN);
    hello_Boots++;
    adl_flhWrite(HELLO_FLASH_HANDLE, HELLO_FLASH_BOOTS, sizeof(u32), (u8 *)&hello_Boots);
}

static void hello_SimHandler(u8 Event)
{
    TRACE((1, "hello: SIM event %d", Event));
    if (Event == ADL_SIM_EVENT_FULL_INIT)
        hello_NetworkStart();
}

void hello_Task(void)
{
    TRACE((1, "hello: start, boot reason %d", adl_InitGetType()));
    hello_FlashLoad();
    TRACE((1, "hello: boot number %d", hello_Boots));
    hello_CmdSubscribe();
    adl_tmrSubscribe(TRUE, HELLO_TICK_100MS, ADL_TMR_TYPE_100MS, hello_TickHandler);
    adl_simSubscribe(hello_SimHandler, NULL);
}
