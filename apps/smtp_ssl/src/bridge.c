/* bridge.c: the relay of application note 2170049. A WIP TCP server on module port
 * SMTPS_LOCAL_PORT takes the SMTP client's connection (the spawned channel); an SSL client
 * goes to the real server. One handler sees both and tells them apart by Ev->channel.
 * Forum fixes: bytes from the SMTP client are buffered and pushed to the SSL client in
 * pieces; a -1 from the SSL wip_write is not an error, the next WIP_CEV_WRITE retries.
 * Bytes from the server go to the spawned channel honouring short writes. The buffers are
 * bounded: when one is full its source is simply not read until it drains (TCP flow
 * control does the rest), so a mail of any size goes through a fixed amount of RAM.
 * WIP_CEV_INVALID (the server ended the session after QUIT) closes everything; the SSL
 * client's finalizer then lets mail.c tear the stack down for the next mail. */
#include "adl_global.h"
#include "wip.h"
#include "smtp_ssl.h"

#define BR_UP_SIZE   WIP_SSL_WRITE_MAX   /* SMTP client -> server */
#define BR_DOWN_SIZE 2048                /* server -> SMTP client (replies are short) */

typedef struct {
    u8 *Buf;
    u32 Size;
    u32 Off;     /* first byte not yet forwarded */
    u32 Len;     /* bytes held from Off */
} br_fifo_t;

static wip_channel_t br_Server;
static wip_channel_t br_Spawned;
static wip_channel_t br_Ssl;
static bool br_SslOpen;
static bool br_SpawnedEnded;   /* the SMTP client closed its side (after QUIT) */
static bool br_EndOfMail;      /* the data handler has written the whole mail */
static br_fifo_t br_Up;
static br_fifo_t br_Down;
static u32 br_UpTotal;

static bool br_FifoAlloc(br_fifo_t *F, u32 Size)
{
    F->Buf = adl_memGet(Size);
    F->Size = Size;
    F->Off = 0;
    F->Len = 0;
    return F->Buf != NULL;
}

static void br_FifoFree(br_fifo_t *F)
{
    if (F->Buf != NULL)
        adl_memRelease(F->Buf);
    F->Buf = NULL;
}

/* Read from Src into the fifo while it has room. Returns FALSE on a channel error. */
static bool br_Fill(br_fifo_t *F, wip_channel_t Src, bool *Moved)
{
    int n;
    if (F->Len == 0)
        F->Off = 0;
    else if (F->Off > 0 && F->Off + F->Len == F->Size) {
        wm_memmove(F->Buf, F->Buf + F->Off, F->Len);
        F->Off = 0;
    }
    while (Src != NULL && F->Off + F->Len < F->Size) {
        n = wip_read(Src, F->Buf + F->Off + F->Len, F->Size - F->Off - F->Len);
        if (n < 0) {
            TRACE((1, "smtp_ssl: bridge: wip_read returned %d", n));
            return FALSE;
        }
        if (n == 0)
            break;
        F->Len += (u32)n;
        *Moved = TRUE;
    }
    return TRUE;
}

/* Move bytes both ways until nothing moves any more. */
static void br_Pump(void)
{
    bool moved = TRUE;
    int n;
    while (moved) {
        moved = FALSE;
        /* SMTP client -> SSL: whole pieces, -1 means "not now" */
        if (br_Spawned != NULL && !br_Fill(&br_Up, br_Spawned, &moved)) {
            smtps_BridgeCloseAll();
            return;
        }
        if (br_SslOpen && br_Up.Len > 0) {
            n = wip_write(br_Ssl, br_Up.Buf + br_Up.Off, br_Up.Len);
            if (n == (int)br_Up.Len) {
                br_Up.Off += br_Up.Len;
                br_UpTotal += br_Up.Len;
                br_Up.Len = 0;
                moved = TRUE;
            } else if (n != -1) {
                TRACE((1, "smtp_ssl: bridge: SSL wip_write returned %d", n));
                smtps_BridgeCloseAll();
                return;
            }
        }
        /* SSL -> SMTP client: short writes keep the rest for the next WIP_CEV_WRITE */
        if (br_SslOpen && !br_Fill(&br_Down, br_Ssl, &moved)) {
            smtps_BridgeCloseAll();
            return;
        }
        if (br_Spawned != NULL && br_Down.Len > 0) {
            n = wip_write(br_Spawned, br_Down.Buf + br_Down.Off, br_Down.Len);
            if (n < 0) {
                TRACE((1, "smtp_ssl: bridge: loopback wip_write returned %d", n));
                smtps_BridgeCloseAll();
                return;
            }
            if (n > 0) {
                br_Down.Off += (u32)n;
                br_Down.Len -= (u32)n;
                moved = TRUE;
            }
        }
    }
    /* The SMTP client is gone and everything it said went out: end the TLS session. */
    if (br_SpawnedEnded && br_Up.Len == 0 && br_Ssl != NULL) {
        TRACE((1, "smtp_ssl: bridge: SMTP client done, closing the SSL session"));
        smtps_BridgeCloseAll();
    }
}

static void br_EventHandler(wip_event_t *Ev, void *Ctx)
{
    (void)Ctx;
    if (Ev->channel == br_Ssl) {
        switch (Ev->kind) {
        case WIP_CEV_OPEN:
            TRACE((1, "smtp_ssl: bridge: TLS session open, starting the SMTP client"));
            br_SslOpen = TRUE;
            smtps_SmtpStart();
            br_Pump();
            break;
        case WIP_CEV_READ:
        case WIP_CEV_WRITE:
            br_Pump();
            break;
        case WIP_CEV_INVALID:
            TRACE((1, "smtp_ssl: bridge: the server ended the TLS session"));
            br_Pump();                    /* hand its last reply (221) to the SMTP client */
            smtps_BridgeCloseAll();
            break;
        case WIP_CEV_ERROR:
            TRACE((1, "smtp_ssl: bridge: SSL error %d", (int)Ev->content.error.errnum));
            if (!br_SslOpen)
                smtps_MailResult(Ev->content.error.errnum);   /* 1..3 or WIP_CERR_* */
            smtps_BridgeCloseAll();
            break;
        default:
            TRACE((2, "smtp_ssl: bridge: SSL event %d", Ev->kind));
            break;
        }
        return;
    }
    /* A spawned channel of the local server: the SMTP client's connection. */
    switch (Ev->kind) {
    case WIP_CEV_OPEN:
        if (br_Spawned != NULL) {
            TRACE((1, "smtp_ssl: bridge: a second local connection, refused"));
            wip_close(Ev->channel);
            return;
        }
        br_Spawned = Ev->channel;
        TRACE((1, "smtp_ssl: bridge: SMTP client connected to the local server"));
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
        TRACE((1, "smtp_ssl: bridge: SMTP client closed the local connection"));
        br_SpawnedEnded = TRUE;
        br_Pump();
        break;
    case WIP_CEV_ERROR:
        TRACE((1, "smtp_ssl: bridge: local connection error %d", (int)Ev->content.error.errnum));
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
    TRACE((1, "smtp_ssl: bridge: SSL client released after %d bytes to the server",
           br_UpTotal));
    br_FifoFree(&br_Up);
    br_FifoFree(&br_Down);
    smtps_BridgeGone();
}

/* After WIP_BEV_IP_CONNECTED: local server, then the SSL client; the SMTP client follows on
 * the SSL channel's WIP_CEV_OPEN. FALSE: nothing was created (no finalizer will come). */
bool smtps_BridgeStart(void)
{
    br_SslOpen = FALSE;
    br_SpawnedEnded = FALSE;
    br_EndOfMail = FALSE;
    br_Spawned = NULL;
    br_UpTotal = 0;
    if (!br_FifoAlloc(&br_Up, BR_UP_SIZE) || !br_FifoAlloc(&br_Down, BR_DOWN_SIZE)) {
        br_FifoFree(&br_Up);
        br_FifoFree(&br_Down);
        return FALSE;
    }
    br_Server = wip_TCPServerCreate(SMTPS_LOCAL_PORT, br_EventHandler, NULL);
    if (br_Server == NULL) {
        TRACE((1, "smtp_ssl: bridge: cannot listen on module port %d", SMTPS_LOCAL_PORT));
        br_FifoFree(&br_Up);
        br_FifoFree(&br_Down);
        return FALSE;
    }
    TRACE((1, "smtp_ssl: bridge: local server on port %d, connecting to the server port %d",
           SMTPS_LOCAL_PORT, smtps_Cfg.Port));
    br_Ssl = wip_SSLClientCreateOpts(smtps_Cfg.Server, (u16)smtps_Cfg.Port, br_EventHandler,
                                     NULL, WIP_COPT_FINALIZER, br_SslFinalizer, WIP_COPT_END);
    if (br_Ssl == NULL) {
        TRACE((1, "smtp_ssl: bridge: wip_SSLClientCreateOpts refused the request"));
        wip_close(br_Server);
        br_Server = NULL;
        br_FifoFree(&br_Up);
        br_FifoFree(&br_Down);
        return FALSE;
    }
    return TRUE;
}

/* The data handler wrote the last byte of the mail. */
void smtps_BridgeEndOfMail(void)
{
    br_EndOfMail = TRUE;
    TRACE((1, "smtp_ssl: bridge: end of mail, %d bytes to the server so far", br_UpTotal));
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
