/* ticks.c: test application for AT output at exit (tests/scripts/exit_output.sh): a 100 ms
 * timer counts ticks and sends +TICKS: <n> on UART1; AT+TICKS=<mode> says what follows. The
 * first 3599 s are one timer, so that a run takes little host time. */
#include "adl_global.h"

#define TICKS_HOUR 36000      /* 100 ms ticks in one hour */
#define TICKS_QUIET 35990     /* ticks waited for by one timer: the test runs fast */
#define TICKS_LATER 37000     /* 100 s after the hour */
#define TICKS_BURST 3500      /* lines before the hour's in modes 2 and 3: 56 KB, under the 64 KB kept */

/* 0: the hour's line; 1: and one 100 s later; 2: a burst, the hour's line, adl_errHalt;
 * 3: a burst and the hour's line. */
enum { TICKS_ONE, TICKS_TWO, TICKS_HALT, TICKS_BURST_MODE, TICKS_MODES };

static void ticks_Task(void);

const adl_InitTasks_t adl_InitTasks[] = {
    { ticks_Task, ADL_DECLARE_CALL_STACK(2048), "ticks", 1 },
    { 0, 0, 0, 0 }
};

static adl_tmr_t *ticks_Tmr;
static u32 ticks_Count;
static u32 ticks_Mode = TICKS_ONE;

static void ticks_Send(u32 n)
{
    ascii buf[32];
    wm_sprintf(buf, "\r\n+TICKS: %u\r\n", (unsigned)n);
    adl_atSendUnsoResponse(ADL_PORT_UART1, buf, FALSE);
}

static void ticks_Timer(u8 ID, void *Context);

/* Nothing is due after the last line: virtual time runs to the end of --run-for at once. */
static void ticks_Stop(void)
{
    adl_tmrUnSubscribe(ticks_Tmr, ticks_Timer, ADL_TMR_TYPE_100MS);
}

static void ticks_Timer(u8 ID, void *Context)
{
    u32 i;

    (void)ID;
    (void)Context;
    ticks_Count++;
    if (ticks_Count == TICKS_HOUR) {
        if (ticks_Mode == TICKS_HALT || ticks_Mode == TICKS_BURST_MODE)
            for (i = 1; i <= TICKS_BURST; i++)
                ticks_Send(i);
        ticks_Send(ticks_Count);
        TRACE((1, "ticks: sent %d", ticks_Count));
        if (ticks_Mode != TICKS_TWO)
            ticks_Stop();
        if (ticks_Mode == TICKS_HALT)
            adl_errHalt(0x100, "ticks: halt after the last line");
    } else if (ticks_Count == TICKS_LATER && ticks_Mode == TICKS_TWO) {
        ticks_Send(ticks_Count);
        TRACE((1, "ticks: sent %d", ticks_Count));
        ticks_Stop();
    }
}

static void ticks_CmdHandler(adl_atCmdPreParser_t *Cmd)
{
    ascii *v = ADL_GET_PARAM(Cmd, 0);

    if (!wm_isnumstring(v) || wm_strlen(v) != 1 || (u32)(v[0] - '0') >= TICKS_MODES) {
        adl_atSendStdResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_RSP), ADL_STR_ERROR);
        return;
    }
    ticks_Mode = (u32)(v[0] - '0');
    adl_atSendStdResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_RSP), ADL_STR_OK);
}

/* The hour minus one second in one timer, then the 100 ms timer counts the rest. */
static void ticks_Start(u8 ID, void *Context)
{
    (void)ID;
    (void)Context;
    ticks_Count = TICKS_QUIET;
    ticks_Tmr = adl_tmrSubscribe(TRUE, 1, ADL_TMR_TYPE_100MS, ticks_Timer);
}

static void ticks_Task(void)
{
    adl_atCmdSubscribe("AT+TICKS", ticks_CmdHandler, ADL_CMD_TYPE_PARA | 0x11);
    adl_tmrSubscribe(FALSE, TICKS_QUIET, ADL_TMR_TYPE_100MS, ticks_Start);
}
