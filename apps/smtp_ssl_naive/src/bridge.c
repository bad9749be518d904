/* bridge.c (naive variant): the relay of application note 2170049 as the original smtp.c
 * did it: whatever the SMTP client sends is read and handed to the SSL client at once, in
 * the READ handler, with no buffer; a -1 from the SSL wip_write (records still going out)
 * is ignored, so those bytes are lost. Replies from the server are passed on the same way
 * (a short write to the spawned channel is ignored too). Set-up and teardown as smtp_ssl. */
#include "adl_global.h"
#include "wip.h"
#include "smtp_ssl.h"

#define BR_PIECE 1460

static wip_channel_t br_Server;
static wip_channel_t br_Spawned;
static wip_channel_t br_Ssl;
static bool br_SslOpen;
static bool br_EndOfMail;
static u8 br_Buf[BR_PIECE];
static u32 br_UpTotal;
static u32 br_UpLost;

/* NAIVE: read a piece, write it, never look at what wip_write returned. */
static void br_Forward(wip_channel_t From, wip_channel_t To, bool Up)
{
    int n, w;
    /* (the server's greeting can arrive before the SMTP client has connected: not read yet) */
    while (From != NULL && To != NULL && (n = wip_read(From, br_Buf, sizeof br_Buf)) > 0) {
        w = wip_write(To, br_Buf, (u32)n);
        if (Up) {
            br_UpTotal += (u32)n;
            if (w != n)
                br_UpLost += (u32)n;    /* counted for the trace only: nothing is done */
        }
    }
}

static void br_Pump(void)
{
    br_Forward(br_Spawned, br_SslOpen ? br_Ssl : NULL, TRUE);
    if (br_SslOpen)
        br_Forward(br_Ssl, br_Spawned, FALSE);
}

static void br_EventHandler(wip_event_t *Ev, void *Ctx)
{
    (void)Ctx;
    if (Ev->channel == br_Ssl) {
        switch (Ev->kind) {
        case WIP_CEV_OPEN:
            TRACE((1, "smtp_ssl_naive: bridge: TLS session open, starting the SMTP client"));
            br_SslOpen = TRUE;
            smtps_SmtpStart();
            br_Pump();
            break;
        case WIP_CEV_READ:
        case WIP_CEV_WRITE:
            br_Pump();
            break;
        case WIP_CEV_INVALID:
            TRACE((1, "smtp_ssl_naive: bridge: the server ended the TLS session"));
            br_Pump();                    /* hand its last reply (221) to the SMTP client */
            smtps_BridgeCloseAll();
            break;
        case WIP_CEV_ERROR:
            TRACE((1, "smtp_ssl_naive: bridge: SSL error %d", (int)Ev->content.error.errnum));
            if (!br_SslOpen)
                smtps_MailResult(Ev->content.error.errnum);   /* 1..3 or WIP_CERR_* */
            smtps_BridgeCloseAll();
            break;
        default:
            TRACE((2, "smtp_ssl_naive: bridge: SSL event %d", Ev->kind));
            break;
        }
        return;
    }
    /* A spawned channel of the local server: the SMTP client's connection. */
    switch (Ev->kind) {
    case WIP_CEV_OPEN:
        if (br_Spawned != NULL) {
            TRACE((1, "smtp_ssl_naive: bridge: a second local connection, refused"));
            wip_close(Ev->channel);
            return;
        }
        br_Spawned = Ev->channel;
        TRACE((1, "smtp_ssl_naive: bridge: SMTP client connected to the local server"));
        br_Pump();
        break;
    case WIP_CEV_READ:
    case WIP_CEV_WRITE:
        if (Ev->channel == br_Spawned)
            br_Pump();
        break;
    case WIP_CEV_PEER_CLOSE:
        if (Ev->channel != br_Spawned)
            break;
        br_Pump();
        TRACE((1, "smtp_ssl_naive: bridge: SMTP client closed the local connection"));
        smtps_BridgeCloseAll();
        break;
    case WIP_CEV_ERROR:
        TRACE((1, "smtp_ssl_naive: bridge: local connection error %d", (int)Ev->content.error.errnum));
        if (Ev->channel == br_Spawned)
            smtps_BridgeCloseAll();
        break;
    default:
        break;
    }
}

static void br_SslFinalizer(void *Ctx)
{
    (void)Ctx;
    TRACE((1, "smtp_ssl_naive: bridge: SSL client released; of %d bytes from the SMTP "
           "client, %d were not taken by the SSL client", br_UpTotal, br_UpLost));
    smtps_BridgeGone();
}

/* After WIP_BEV_IP_CONNECTED: local server, then the SSL client; the SMTP client follows on
 * the SSL channel's WIP_CEV_OPEN. FALSE: nothing was created (no finalizer will come). */
bool smtps_BridgeStart(void)
{
    br_SslOpen = FALSE;
    br_EndOfMail = FALSE;
    br_Spawned = NULL;
    br_UpTotal = 0;
    br_UpLost = 0;
    br_Server = wip_TCPServerCreate(SMTPS_LOCAL_PORT, br_EventHandler, NULL);
    if (br_Server == NULL) {
        TRACE((1, "smtp_ssl_naive: bridge: cannot listen on module port %d", SMTPS_LOCAL_PORT));
        return FALSE;
    }
    TRACE((1, "smtp_ssl_naive: bridge: local server on port %d, connecting to the server port %d",
           SMTPS_LOCAL_PORT, smtps_Cfg.Port));
    br_Ssl = wip_SSLClientCreateOpts(smtps_Cfg.Server, (u16)smtps_Cfg.Port, br_EventHandler,
                                     NULL, WIP_COPT_FINALIZER, br_SslFinalizer, WIP_COPT_END);
    if (br_Ssl == NULL) {
        TRACE((1, "smtp_ssl_naive: bridge: wip_SSLClientCreateOpts refused the request"));
        wip_close(br_Server);
        br_Server = NULL;
        return FALSE;
    }
    return TRUE;
}

/* The data handler wrote the last byte of the mail. */
void smtps_BridgeEndOfMail(void)
{
    br_EndOfMail = TRUE;
    TRACE((1, "smtp_ssl_naive: bridge: end of mail, %d bytes to the server so far", br_UpTotal));
    br_Pump();
}

/* Close every channel of the bridge (idempotent); the SSL finalizer follows. */
void smtps_BridgeCloseAll(void)
{
    if (br_Spawned != NULL) {
        wip_close(br_Spawned);
        br_Spawned = NULL;
    }
    if (br_Server != NULL) {
        wip_close(br_Server);
        br_Server = NULL;
    }
    br_SslOpen = FALSE;
    if (br_Ssl != NULL) {
        wip_close(br_Ssl);
        br_Ssl = NULL;
    }
}
