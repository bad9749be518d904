/* main.c: entry of the smtp_ssl_naive sample (see inc/smtp_ssl.h). Declares the task,
 * loads the configuration from flash, subscribes the AT commands, waits for the SIM and
 * polls AT+CREG? until the module is registered; a mail asked for before that starts as
 * soon as it is. */
#include "adl_global.h"
#include "smtp_ssl.h"

const adl_InitTasks_t adl_InitTasks[] = {
    { smtps_Task, ADL_DECLARE_CALL_STACK(4096), "smtps", 1 },
    { 0, 0, 0, 0 }
};

bool smtps_Registered;
bool smtps_Busy;
static bool smtps_Pending;

static void smtps_NetworkStart(void);

static void smtps_CregRetry(u8 ID, void *Context)
{
    (void)ID;
    (void)Context;
    smtps_NetworkStart();
}

static bool smtps_CregResponse(adl_atResponse_t *Rsp)
{
    ascii stat[8];
    if (!Rsp->IsTerminal) {
        if (wm_strGetParameterString(stat, Rsp->StrData, 2) != NULL) {
            u32 status = wm_atoi(stat);
            TRACE((1, "smtp_ssl_naive: registration status %d", status));
            if (status == 1 || status == 5)
                smtps_Registered = TRUE;
        }
        return FALSE;
    }
    if (!smtps_Registered) {
        adl_tmrSubscribe(FALSE, SMTPS_CREG_RETRY_100MS, ADL_TMR_TYPE_100MS, smtps_CregRetry);
        return FALSE;
    }
    TRACE((1, "smtp_ssl_naive: registered, ready to send"));
    if (smtps_Pending) {
        smtps_Pending = FALSE;
        smtps_MailStart();
    }
    return FALSE;
}

static void smtps_NetworkStart(void)
{
    adl_atCmdCreate("AT+CREG?", FALSE, smtps_CregResponse, "*", NULL);
}

static void smtps_SimHandler(u8 Event)
{
    TRACE((1, "smtp_ssl_naive: SIM event %d", Event));
    if (Event == ADL_SIM_EVENT_FULL_INIT)
        smtps_NetworkStart();
}

/* From the AT commands: smtps_Mail is filled and smtps_Busy set. */
void smtps_MailRequest(void)
{
    if (smtps_Registered)
        smtps_MailStart();
    else
        smtps_Pending = TRUE;
}

void smtps_Task(void)
{
    TRACE((1, "smtp_ssl_naive: start, boot reason %d", adl_InitGetType()));
    smtps_CfgLoad();
    smtps_CmdSubscribe();
    adl_simSubscribe(smtps_SimHandler, NULL);
}
