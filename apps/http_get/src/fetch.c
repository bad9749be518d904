/* fetch.c: the http_get sample's network side: wip_netInit and the GPRS bearer on first
 * use, one HTTP session (no handler, as in the official sample), and per AT+HTTPGET a
 * wip_getFile data channel whose body is counted on READ events; PEER_CLOSE prints the
 * status and the length, ERROR its errnum. */
#include "adl_global.h"
#include "wip.h"
#include "http_get.h"

static wip_bearer_t httpg_Bearer;
static bool httpg_NetUp;
static wip_channel_t httpg_Session;
static u32 httpg_Length;

static void httpg_Result(const ascii *Text)
{
    adl_atSendResponse(ADL_AT_PORT_TYPE(httpg_Port, ADL_AT_UNS), Text);
    httpg_Busy = FALSE;
}

static void httpg_DataHandler(wip_event_t *Ev, void *Ctx)
{
    ascii buf[256];
    s32 status = 0;
    int n;
    (void)Ctx;
    switch (Ev->kind) {
    case WIP_CEV_OPEN:
        wip_getOpts(Ev->channel, WIP_COPT_HTTP_STATUS_CODE, &status, WIP_COPT_END);
        TRACE((1, "http_get: response %d", status));
        break;
    case WIP_CEV_READ:
        while ((n = wip_read(Ev->channel, buf, sizeof buf)) > 0)
            httpg_Length += (u32)n;
        break;
    case WIP_CEV_PEER_CLOSE:
        while ((n = wip_read(Ev->channel, buf, sizeof buf)) > 0)
            httpg_Length += (u32)n;
        wip_getOpts(Ev->channel, WIP_COPT_HTTP_STATUS_CODE, &status, WIP_COPT_END);
        wip_close(Ev->channel);
        wm_sprintf(buf, "\r\n+HTTPGET: %d,%u\r\n", (int)status, (unsigned)httpg_Length);
        httpg_Result(buf);
        break;
    case WIP_CEV_ERROR:
        wip_close(Ev->channel);
        wm_sprintf(buf, "\r\n+HTTPGET: ERROR,%d\r\n", (int)Ev->content.error.errnum);
        httpg_Result(buf);
        break;
    default:
        break;
    }
}

static void httpg_Get(void)
{
    if (httpg_Session == NULL)
        httpg_Session = wip_HTTPClientCreate(NULL, NULL);
    httpg_Length = 0;
    if (httpg_Session == NULL || wip_getFile(httpg_Session, httpg_Url, httpg_DataHandler, NULL) == NULL)
        httpg_Result("\r\n+HTTPGET: ERROR,-994\r\n");
}

static void httpg_BearerHandler(wip_bearer_t Br, s8 Event, void *Ctx)
{
    (void)Br;
    (void)Ctx;
    if (Event == WIP_BEV_IP_CONNECTED) {
        TRACE((1, "http_get: GPRS bearer up"));
        httpg_NetUp = TRUE;
        httpg_Get();
    } else if (Event == WIP_BEV_CONN_FAILED) {
        TRACE((1, "http_get: GPRS bearer failed"));
        httpg_Result("\r\n+HTTPGET: ERROR,-988\r\n");
    }
}

void httpg_Fetch(void)
{
    s8 rc;
    if (httpg_NetUp) {
        httpg_Get();
        return;
    }
    if (httpg_Bearer == NULL) {
        if (wip_netInit() != 0 ||
            wip_bearerOpen(&httpg_Bearer, "GPRS", httpg_BearerHandler, NULL) != 0) {
            httpg_Result("\r\n+HTTPGET: ERROR,-988\r\n");
            return;
        }
        wip_bearerSetOpts(httpg_Bearer, WIP_BOPT_GPRS_APN, HTTPG_APN, WIP_BOPT_END);
    }
    rc = wip_bearerStart(httpg_Bearer);
    if (rc == 0) {
        httpg_NetUp = TRUE;
        httpg_Get();
    } else if (rc != WIP_BERR_OK_INPROGRESS) {
        httpg_Result("\r\n+HTTPGET: ERROR,-988\r\n");
    }
}
