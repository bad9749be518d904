/* appli.c: the hello sample written in the pre-OS 6 style: adl_main() with
 * wm_apmCustomStackSize, everything in one file, a boot counter in flash and an AT+HELLO
 * command subscribed in lower case (ADL matches commands without regard to case). */
#include "adl_global.h"

const u16 wm_apmCustomStackSize = 1024 * 3;

#define LEGACY_FLASH "LEGACY"

static u32 BootCount;
static u32 Seconds;

static void SecondTick(u8 ID, void *Context)
{
    (void)ID;
    (void)Context;
    Seconds++;
    if (Seconds % 60 == 0)
        TRACE((1, "legacy: up %d minutes", Seconds / 60));
}

static void HelloHandler(adl_atCmdPreParser_t *Params)
{
    ascii Rsp[48];
    s32 n = 1;

    if (Params->Type == ADL_CMD_TYPE_PARA)
        n = wm_atoi(ADL_GET_PARAM(Params, 0));
    if (n < 1 || n > 10) {
        adl_atSendResponse(ADL_AT_RSP, "\r\nERROR\r\n");
        return;
    }
    while (n--) {
        wm_sprintf(Rsp, "\r\n+HELLO: legacy boot %u\r\n", (unsigned)BootCount);
        adl_atSendResponse(ADL_AT_INT, Rsp);
    }
    adl_atSendResponse(ADL_AT_RSP, "\r\nOK\r\n");
}

void adl_main(adl_InitType_e InitType)
{
    TRACE((1, "legacy: adl_main, init type %d", InitType));
    adl_flhSubscribe(LEGACY_FLASH, 1);
    if (adl_flhExist(LEGACY_FLASH, 0) == sizeof BootCount)
        adl_flhRead(LEGACY_FLASH, 0, sizeof BootCount, (u8 *)&BootCount);
    BootCount++;
    adl_flhWrite(LEGACY_FLASH, 0, sizeof BootCount, (u8 *)&BootCount);
    adl_atCmdSubscribe("at+hello", HelloHandler, ADL_CMD_TYPE_ACT | ADL_CMD_TYPE_PARA | 0x11);
    adl_tmrSubscribe(TRUE, 10, ADL_TMR_TYPE_100MS, SecondTick);
}
