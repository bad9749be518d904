/* main.c: the vendor's CREG polling sample as projects copy it: the response list names only
 * ADL_STR_CREG; every answer re-arms a 2 s poll; registered (1 or 5) starts the GPRS bearer,
 * anything else stops it. Its own assertion: never two polls in flight. */
#include "adl_global.h"
#include "wip.h"

static void creg_Task(void);

const adl_InitTasks_t adl_InitTasks[] = {
    { creg_Task, ADL_DECLARE_CALL_STACK(2048), "creg", 1 },
    { 0, 0, 0, 0 }
};

static u32 creg_Polls, creg_InFlight, creg_Starts, creg_Hours;
static wip_bearer_t creg_Bearer;
static bool creg_Up;

static void creg_Poll(u8 ID, void *Context);

static void creg_BearerHandler(wip_bearer_t Br, s8 Event, void *Ctx)
{
    (void)Br;
    (void)Ctx;
    TRACE((1, "creg: bearer event %d", Event));
}

static bool creg_Response(adl_atResponse_t *Rsp)
{
    ascii stat[8] = "";
    wm_strGetParameterString(stat, Rsp->StrData, 2);
    u32 status = wm_atoi(stat);
    creg_InFlight--;
    if (status == 1 || status == 5) {
        if (!creg_Up) {
            creg_Up = TRUE;
            creg_Starts++;
            TRACE((1, "creg: bearer start %d", creg_Starts));
            wip_bearerStart(creg_Bearer);
        }
    } else if (creg_Up) {
        creg_Up = FALSE;
        TRACE((1, "creg: bearer stop"));
        wip_bearerStop(creg_Bearer);
    }
    adl_tmrSubscribe(FALSE, 20, ADL_TMR_TYPE_100MS, creg_Poll);
    return FALSE;
}

static void creg_Poll(u8 ID, void *Context)
{
    (void)ID;
    (void)Context;
    if (creg_InFlight != 0)
        TRACE((1, "creg: ASSERT two polls in flight"));
    creg_InFlight++;
    creg_Polls++;
    adl_atCmdCreate("AT+CREG?", FALSE, creg_Response, ADL_STR_CREG, NULL);
}

static void creg_Hour(u8 ID, void *Context)
{
    (void)ID;
    (void)Context;
    creg_Hours++;
    TRACE((1, "creg: hour %d polls %d starts %d", creg_Hours, creg_Polls, creg_Starts));
}

static void creg_Task(void)
{
    wip_netInit();
    wip_bearerOpen(&creg_Bearer, "GPRS", creg_BearerHandler, NULL);
    adl_tmrSubscribe(TRUE, 36000, ADL_TMR_TYPE_100MS, creg_Hour);
    creg_Poll(0, NULL);
}
