/* network.c: the start-up sequence every Open AT network application runs once the SIM is
 * ready: poll AT+CREG? every 2 s until the module is registered (home or roaming). */
#include "adl_global.h"
#include "hello.h"

static bool hello_Registered;

static void hello_CregRetry(u8 ID, void *Context)
{
    (void)ID;
    (void)Context;
    hello_NetworkStart();
}

static bool hello_CregResponse(adl_atResponse_t *Rsp)
{
    ascii stat[8];
    if (!Rsp->IsTerminal) {
        if (wm_strGetParameterString(stat, Rsp->StrData, 2) != NULL) {
            u32 status = wm_atoi(stat);
            TRACE((1, "hello: registration status %d", status));
            if (status == 1 || status == 5) {
                hello_Registered = TRUE;
                adl_atSendResponse(ADL_AT_UNS, "\r\n+HELLO: READY\r\n");
            }
        }
        return FALSE;
    }
    if (!hello_Registered)
        adl_tmrSubscribe(FALSE, HELLO_CREG_RETRY_100MS, ADL_TMR_TYPE_100MS, hello_CregRetry);
    return FALSE;
}

void hello_NetworkStart(void)
{
    adl_atCmdCreate("AT+CREG?", FALSE, hello_CregResponse, "*", NULL);
}
