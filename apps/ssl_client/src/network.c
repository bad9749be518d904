/* network.c: the GPRS side of the ssl_client sample. Polls AT+CREG? every 2 s until
 * registered; each round then runs wip_netInit and the "GPRS" bearer, and the session
 * starts on WIP_BEV_IP_CONNECTED. The teardown (from the channel's finalizer) goes
 * wip_SSLClose, wip_bearerStop, wip_bearerClose on WIP_BEV_STOPPED, wip_netExit, and then
 * the next round starts again from wip_netInit. */
#include "adl_global.h"
#include "wip.h"
#include "ssl_client.h"

static bool sslc_Registered;
static bool sslc_NetReady;
static wip_bearer_t sslc_Bearer;

static void sslc_CregRetry(u8 ID, void *Context)
{
    (void)ID;
    (void)Context;
    sslc_NetworkStart();
}

static bool sslc_CregResponse(adl_atResponse_t *Rsp)
{
    ascii stat[8];
    if (!Rsp->IsTerminal) {
        if (wm_strGetParameterString(stat, Rsp->StrData, 2) != NULL) {
            u32 status = wm_atoi(stat);
            TRACE((1, "ssl_client: registration status %d", status));
            if (status == 1 || status == 5)
                sslc_Registered = TRUE;
        }
        return FALSE;
    }
    if (!sslc_Registered) {
        adl_tmrSubscribe(FALSE, SSLC_CREG_RETRY_100MS, ADL_TMR_TYPE_100MS, sslc_CregRetry);
        return FALSE;
    }
    sslc_RoundsStart();
    return FALSE;
}

void sslc_NetworkStart(void)
{
    adl_atCmdCreate("AT+CREG?", FALSE, sslc_CregResponse, "*", NULL);
}

/* The stack goes down: wip_netExit, then the next round or the end. */
static void sslc_RoundOver(void)
{
    s8 rc;
    if (sslc_NetReady) {
        rc = wip_netExit();
        if (rc != 0)
            TRACE((1, "ssl_client: wip_netExit failed %d", rc));
        sslc_NetReady = FALSE;
    }
    if (sslc_State != SSLC_TEARDOWN) {
        sslc_State = SSLC_IDLE;             /* a step failed: stop here */
        TRACE((1, "ssl_client: stopped in round %d of %d", sslc_Round, SSLC_ROUNDS));
        return;
    }
    if (sslc_Round < SSLC_ROUNDS) {
        sslc_RoundStart();
        return;
    }
    sslc_State = SSLC_IDLE;
    TRACE((1, "ssl_client: %d rounds done", SSLC_ROUNDS));
}

static void sslc_BearerGone(void)
{
    if (sslc_Bearer != NULL) {
        s8 rc = wip_bearerClose(sslc_Bearer);
        if (rc != 0)
            TRACE((1, "ssl_client: wip_bearerClose failed %d", rc));
        sslc_Bearer = NULL;
    }
    sslc_RoundOver();
}

static void sslc_BearerHandler(wip_bearer_t Br, s8 Event, void *Ctx)
{
    s8 cause = 0;
    (void)Br;
    (void)Ctx;
    switch (Event) {
    case WIP_BEV_IP_CONNECTED:
        TRACE((1, "ssl_client: GPRS bearer up"));
        sslc_SessionStart();
        break;
    case WIP_BEV_CONN_FAILED:
        wip_bearerGetOpts(Br, WIP_BOPT_ERROR, &cause, WIP_BOPT_END);
        TRACE((1, "ssl_client: GPRS bearer failed, cause %d", cause));
        sslc_State = SSLC_IDLE;
        sslc_BearerGone();
        break;
    case WIP_BEV_STOPPED:
        TRACE((1, "ssl_client: GPRS bearer stopped"));
        sslc_BearerGone();
        break;
    case WIP_BEV_IP_DISCONNECTED:
        TRACE((1, "ssl_client: GPRS bearer lost"));
        if (sslc_State != SSLC_TEARDOWN && sslc_State != SSLC_SESSION)
            sslc_State = SSLC_IDLE;
        break;
    default:
        TRACE((2, "ssl_client: bearer event %d", Event));
        break;
    }
}

static void sslc_BearerStart(void)
{
    s8 rc = wip_bearerOpen(&sslc_Bearer, "GPRS", sslc_BearerHandler, NULL);
    if (rc != 0) {
        TRACE((1, "ssl_client: wip_bearerOpen failed %d", rc));
        sslc_Bearer = NULL;
        sslc_State = SSLC_IDLE;
        sslc_RoundOver();
        return;
    }
    rc = wip_bearerSetOpts(sslc_Bearer, WIP_BOPT_GPRS_APN, SSLC_APN, WIP_BOPT_LOGIN, SSLC_LOGIN,
                           WIP_BOPT_PASSWORD, SSLC_PASSWORD, WIP_BOPT_END);
    if (rc != 0) {
        TRACE((1, "ssl_client: wip_bearerSetOpts failed %d", rc));
        sslc_State = SSLC_IDLE;
        sslc_BearerGone();
        return;
    }
    sslc_State = SSLC_BEARER;
    rc = wip_bearerStart(sslc_Bearer);
    if (rc == 0) {
        TRACE((1, "ssl_client: GPRS bearer up at once"));
        sslc_SessionStart();
    } else if (rc != WIP_BERR_OK_INPROGRESS) {
        TRACE((1, "ssl_client: wip_bearerStart failed %d", rc));
        sslc_State = SSLC_IDLE;
        sslc_BearerGone();
    }
}

void sslc_RoundsStart(void)
{
    sslc_Round = 0;
    sslc_RoundStart();
}

void sslc_RoundStart(void)
{
    s8 rc;
    sslc_Round++;
    TRACE((1, "ssl_client: round %d of %d starts", sslc_Round, SSLC_ROUNDS));
    rc = wip_netInit();
    if (rc != 0) {
        TRACE((1, "ssl_client: wip_netInit failed %d", rc));
        sslc_State = SSLC_IDLE;
        return;
    }
    sslc_NetReady = TRUE;
    sslc_BearerStart();
}

/* From the SSL channel's finalizer: everything of the round goes, in order. */
void sslc_Teardown(bool SslReady)
{
    s8 rc;
    if (SslReady) {
        rc = wip_SSLClose();
        if (rc != 0)
            TRACE((1, "ssl_client: wip_SSLClose failed %d", rc));
    }
    if (sslc_Bearer == NULL) {
        sslc_RoundOver();
        return;
    }
    rc = wip_bearerStop(sslc_Bearer);
    if (rc == 0) {
        sslc_BearerGone();                  /* stopped at once: no STOPPED event */
    } else if (rc != WIP_BERR_OK_INPROGRESS) {
        TRACE((1, "ssl_client: wip_bearerStop failed %d", rc));
        sslc_BearerGone();
    }
}
