/* main.c: a start-up as deployed applications write it: AT+WHCNF=0,0 is resent until it
 * answers OK (the keypad then frees its GPIOs), then the client id is read from AT+WIMEI?. */
#include "adl_global.h"

static void app_Task(void);

const adl_InitTasks_t adl_InitTasks[] = {
    { app_Task, ADL_DECLARE_CALL_STACK(2048), "app", 1 },
    { 0, 0, 0, 0 }
};

static u32 app_Tries;

static bool app_Imei(adl_atResponse_t *Rsp)
{
    ascii id[32] = "";
    if (Rsp->RspID == ADL_STR_OK) {
        TRACE((1, "app: started"));
        return FALSE;
    }
    wm_strGetParameterString(id, Rsp->StrData, 1);
    TRACE((1, "app: client id %s", id));
    return FALSE;
}

static bool app_Whcnf(adl_atResponse_t *Rsp)
{
    app_Tries++;
    if (Rsp->RspID != ADL_STR_OK) {
        adl_atCmdCreate("AT+WHCNF=0,0", FALSE, app_Whcnf, "*", NULL);
        return FALSE;
    }
    TRACE((1, "app: keypad off after %d tries", app_Tries));
    adl_atCmdCreate("AT+WIMEI?", FALSE, app_Imei, "+WIMEI: ", ADL_STR_OK, NULL);
    return FALSE;
}

static void app_Task(void)
{
    adl_atCmdCreate("AT+WHCNF=0,0", FALSE, app_Whcnf, "*", NULL);
}
