/* session.c: the TLS exchange of one round. wip_SSLInitOpts trusts the CA file and always
 * verifies; the client sends "hello <round>\n" paced by WIP_CEV_WRITE (wip_write takes all
 * or returns -1, then a WRITE follows), waits for the echoed line on WIP_CEV_READ, traces
 * it and closes; the finalizer (TLS shutdown and socket done) starts the teardown. */
#include "adl_global.h"
#include "wip.h"
#include "ssl_client.h"

static wip_channel_t sslc_Channel;
static bool sslc_Sent;
static u32 sslc_ReqLen;
static u32 sslc_RepLen;
static ascii sslc_Req[32];
static u8 sslc_Rep[SSLC_REPLY_MAX];

static void sslc_Close(void)
{
    if (sslc_Channel == NULL)
        return;
    wip_close(sslc_Channel);
    sslc_Channel = NULL;
}

static void sslc_Finalizer(void *Ctx)
{
    (void)Ctx;
    TRACE((1, "ssl_client: round %d: channel released, tearing down", sslc_Round));
    if (sslc_State == SSLC_SESSION)
        sslc_State = SSLC_TEARDOWN;         /* the round went well: another may follow */
    sslc_Teardown(TRUE);
}

static void sslc_Fail(void)
{
    sslc_State = SSLC_IDLE;                 /* no further round after this one */
    sslc_Close();
}

static void sslc_Send(void)
{
    int n;
    if (sslc_Sent || sslc_Channel == NULL)
        return;
    n = wip_write(sslc_Channel, sslc_Req, sslc_ReqLen);
    if (n == -1)
        return;                             /* not now: the next WIP_CEV_WRITE retries */
    if (n != (int)sslc_ReqLen) {
        TRACE((1, "ssl_client: round %d: wip_write returned %d", sslc_Round, n));
        sslc_Fail();
        return;
    }
    sslc_Sent = TRUE;
    TRACE((1, "ssl_client: round %d: request of %d bytes sent", sslc_Round, n));
}

static void sslc_Receive(void)
{
    int n;
    u32 i;
    bool line = FALSE;
    while (sslc_Channel != NULL && sslc_RepLen < sizeof sslc_Rep &&
           (n = wip_read(sslc_Channel, sslc_Rep + sslc_RepLen,
                         sizeof sslc_Rep - sslc_RepLen)) != 0) {
        if (n < 0) {
            TRACE((1, "ssl_client: round %d: wip_read returned %d", sslc_Round, n));
            sslc_Fail();
            return;
        }
        sslc_RepLen += (u32)n;
    }
    for (i = 0; i < sslc_RepLen; i++)
        if (sslc_Rep[i] == '\n')
            line = TRUE;
    if (!line && sslc_RepLen < sizeof sslc_Rep)
        return;                             /* the rest of the line comes later */
    TRACE((1, "ssl_client: round %d of %d: reply of %d bytes:", sslc_Round, SSLC_ROUNDS,
           sslc_RepLen));
    DUMP(1, sslc_Rep, (u16)sslc_RepLen);
    if (sslc_RepLen == sslc_ReqLen && wm_memcmp(sslc_Rep, sslc_Req, sslc_ReqLen) == 0) {
        TRACE((1, "ssl_client: round %d of %d: reply echoes the request", sslc_Round,
               SSLC_ROUNDS));
    } else {
        TRACE((1, "ssl_client: round %d of %d: reply differs from the request", sslc_Round,
               SSLC_ROUNDS));
        sslc_State = SSLC_IDLE;
    }
    sslc_Close();
}

static void sslc_EventHandler(wip_event_t *Ev, void *Ctx)
{
    (void)Ctx;
    switch (Ev->kind) {
    case WIP_CEV_OPEN:
        TRACE((1, "ssl_client: round %d: TLS session open", sslc_Round));
        break;
    case WIP_CEV_WRITE:
        sslc_Send();
        break;
    case WIP_CEV_READ:
        sslc_Receive();
        break;
    case WIP_CEV_INVALID:
        TRACE((1, "ssl_client: round %d: the peer ended the session", sslc_Round));
        sslc_Receive();
        if (sslc_Channel != NULL)
            sslc_Fail();
        break;
    case WIP_CEV_ERROR:
        if (Ev->content.error.errnum == WIP_SSL_ERR_CERTIFICATE)
            TRACE((1, "ssl_client: round %d: certificate error (errnum 1)", sslc_Round));
        else if (Ev->content.error.errnum == WIP_SSL_ERR_HANDSHAKE)
            TRACE((1, "ssl_client: round %d: handshake error (errnum 2)", sslc_Round));
        else if (Ev->content.error.errnum == WIP_SSL_ERR_PROTOCOL)
            TRACE((1, "ssl_client: round %d: protocol error (errnum 3)", sslc_Round));
        else
            TRACE((1, "ssl_client: round %d: channel error %d", sslc_Round,
                   (int)Ev->content.error.errnum));
        sslc_Fail();
        break;
    default:
        TRACE((2, "ssl_client: channel event %d", Ev->kind));
        break;
    }
}

void sslc_SessionStart(void)
{
    s8 rc;
    sslc_State = SSLC_SESSION;
    sslc_Sent = FALSE;
    sslc_RepLen = 0;
    wm_sprintf(sslc_Req, "hello %u\n", (unsigned)sslc_Round);
    sslc_ReqLen = wm_strlen(sslc_Req);
    rc = wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_FILE, sslc_CaFile, WIP_COPT_VERIFY,
                         WIP_SSL_ALWAYS, WIP_COPT_END);
    if (rc != 0) {
        TRACE((1, "ssl_client: round %d: wip_SSLInitOpts failed %d (CA file?)", sslc_Round, rc));
        sslc_State = SSLC_IDLE;
        sslc_Teardown(FALSE);
        return;
    }
    TRACE((1, "ssl_client: round %d: connecting to port %d", sslc_Round, sslc_Port));
    sslc_Channel = wip_SSLClientCreateOpts(sslc_Host, sslc_Port, sslc_EventHandler, NULL,
                                           WIP_COPT_FINALIZER, sslc_Finalizer, WIP_COPT_END);
    if (sslc_Channel == NULL) {
        TRACE((1, "ssl_client: round %d: wip_SSLClientCreateOpts refused the request",
               sslc_Round));
        sslc_State = SSLC_IDLE;
        sslc_Teardown(TRUE);
        return;
    }
}
