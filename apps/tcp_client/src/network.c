/* network.c: the canonical GPRS start-up of an Open AT application: poll AT+CREG? every 2 s
 * until registered, then wip_netInit and the "GPRS" bearer; the transfer starts on
 * WIP_BEV_IP_CONNECTED, never before. */
#include "adl_global.h"
#include "wip.h"
#include "tcp_client.h"

static bool tcpc_Registered;
static bool tcpc_NetReady;
static wip_bearer_t tcpc_Bearer;

static void tcpc_CregRetry(u8 ID, void *Context)
{
    (void)ID;
    (void)Context;
    tcpc_NetworkStart();
}

static bool tcpc_CregResponse(adl_atResponse_t *Rsp)
{
    ascii stat[8];
    if (!Rsp->IsTerminal) {
        if (wm_strGetParameterString(stat, Rsp->StrData, 2) != NULL) {
            u32 status = wm_atoi(stat);
            TRACE((1, "tcp_client: registration status %d", status));
            if (status == 1 || status == 5)
                tcpc_Registered = TRUE;
        }
        return FALSE;
    }
    if (!tcpc_Registered) {
        adl_tmrSubscribe(FALSE, TCPC_CREG_RETRY_100MS, ADL_TMR_TYPE_100MS, tcpc_CregRetry);
        return FALSE;
    }
    if (!tcpc_NetReady) {
        s8 rc = wip_netInit();
        if (rc != 0) {
            TRACE((1, "tcp_client: wip_netInit failed %d", rc));
            return FALSE;
        }
        tcpc_NetReady = TRUE;
    }
    tcpc_BearerStart();
    return FALSE;
}

void tcpc_NetworkStart(void)
{
    adl_atCmdCreate("AT+CREG?", FALSE, tcpc_CregResponse, "*", NULL);
}

static void tcpc_BearerHandler(wip_bearer_t Br, s8 Event, void *Ctx)
{
    s8 cause = 0;
    (void)Ctx;
    switch (Event) {
    case WIP_BEV_IP_CONNECTED:
        TRACE((1, "tcp_client: GPRS bearer up"));
        tcpc_TransferStart();
        break;
    case WIP_BEV_CONN_FAILED:
        wip_bearerGetOpts(Br, WIP_BOPT_ERROR, &cause, WIP_BOPT_END);
        TRACE((1, "tcp_client: GPRS bearer failed, cause %d", cause));
        wip_bearerClose(Br);
        tcpc_Bearer = NULL;
        tcpc_State = TCPC_IDLE;
        break;
    case WIP_BEV_IP_DISCONNECTED:
    case WIP_BEV_STOPPED:
        TRACE((1, "tcp_client: GPRS bearer down (event %d)", Event));
        wip_bearerClose(Br);
        tcpc_Bearer = NULL;
        if (tcpc_State != TCPC_TRANSFER)
            tcpc_State = TCPC_IDLE;
        break;
    default:
        TRACE((2, "tcp_client: bearer event %d", Event));
        break;
    }
}

void tcpc_BearerStart(void)
{
    s8 rc = wip_bearerOpen(&tcpc_Bearer, "GPRS", tcpc_BearerHandler, NULL);
    if (rc != 0) {
        TRACE((1, "tcp_client: wip_bearerOpen failed %d", rc));
        tcpc_State = TCPC_IDLE;
        return;
    }
    rc = wip_bearerSetOpts(tcpc_Bearer, WIP_BOPT_GPRS_APN, TCPC_APN, WIP_BOPT_LOGIN, TCPC_LOGIN,
                           WIP_BOPT_PASSWORD, TCPC_PASSWORD, WIP_BOPT_END);
    if (rc != 0) {
        TRACE((1, "tcp_client: wip_bearerSetOpts failed %d", rc));
        wip_bearerClose(tcpc_Bearer);
        tcpc_Bearer = NULL;
        tcpc_State = TCPC_IDLE;
        return;
    }
    tcpc_State = TCPC_BEARER;
    rc = wip_bearerStart(tcpc_Bearer);
    if (rc == 0) {
        TRACE((1, "tcp_client: GPRS bearer up at once"));
        tcpc_TransferStart();
    } else if (rc != WIP_BERR_OK_INPROGRESS) {
        TRACE((1, "tcp_client: wip_bearerStart failed %d", rc));
        wip_bearerClose(tcpc_Bearer);
        tcpc_Bearer = NULL;
        tcpc_State = TCPC_IDLE;
    }
}

void tcpc_BearerStop(void)
{
    s8 rc;
    if (tcpc_Bearer == NULL) {
        tcpc_State = TCPC_IDLE;
        return;
    }
    rc = wip_bearerStop(tcpc_Bearer);
    if (rc != 0 && rc != WIP_BERR_OK_INPROGRESS)
        TRACE((1, "tcp_client: wip_bearerStop failed %d", rc));
}
