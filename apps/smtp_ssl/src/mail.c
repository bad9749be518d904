/* mail.c: one mail from start to end. wip_netInit, the GPRS bearer, on IP_CONNECTED
 * wip_SSLInitOpts with the configured CA and the bridge; on the TLS session's OPEN the SMTP
 * client connects to 127.0.0.1:SMTPS_LOCAL_PORT. The data channel writes the body in blocks
 * on WIP_CEV_WRITE, keeping what a short write did not take, then raises the end-of-mail
 * flag and closes. After DONE or ERROR the session is closed (QUIT); the SSL client's
 * finalizer runs wip_SSLClose, wip_bearerStop, wip_bearerClose on STOPPED and wip_netExit,
 * so the next mail starts from scratch. "+SMTPSEND: <code>" is sent once all is down. */
#include "adl_global.h"
#include "wip.h"
#include "smtp_ssl.h"

#define MAIL_BLOCK 1024
#define MAIL_LINE  76

static wip_bearer_t mail_Bearer;
static bool mail_NetReady;
static bool mail_SslReady;
static wip_channel_t mail_Session;
static wip_channel_t mail_Data;
static bool mail_SessionLive;      /* created and its finalizer not run yet */
static bool mail_NetLive;          /* stack, bearer or bridge still up */
static bool mail_ResultSet;
static s32 mail_Result;
static u8 mail_Block[MAIL_BLOCK];
static u32 mail_BlockLen;
static u32 mail_BlockOff;
static u32 mail_Done;              /* body bytes produced into blocks */
static u32 mail_Line;              /* generator: line number, column */
static u32 mail_Col;
static u32 mail_LineLen;           /* content length of the current line (CRLF excluded) */
static adl_tmr_t *mail_Watchdog;
static bool mail_BridgeLive;     /* SSL client created, its finalizer not run yet */

static void mail_Teardown(void);
static void mail_WatchdogHandler(u8 ID, void *Ctx);

/* The generated body: lines of 76 printable characters and CRLF; line 2 starts with ".",
 * line 4 is blank, line 6 starts with ".."; the last line is cut so that the body is exactly
 * Size bytes and ends with CRLF. The test suite's Python generator is the same. */
static u8 mail_GenByte(void)
{
    u8 c;
    if (mail_Col == 0) {
        u32 rem = smtps_Mail.Size - mail_Done;
        mail_LineLen = mail_Line == 4 ? 0 : MAIL_LINE;
        if (mail_LineLen + 2 > rem)
            mail_LineLen = rem - 2;
    }
    if (mail_Col == mail_LineLen)
        c = '\r';
    else if (mail_Col == mail_LineLen + 1)
        c = '\n';
    else if ((mail_Line == 2 && mail_Col == 0) || (mail_Line == 6 && mail_Col < 2))
        c = '.';
    else
        c = (u8)(33 + (mail_Line * 31 + mail_Col * 7) % 94);
    mail_Col++;
    if (mail_Col == mail_LineLen + 2) {
        mail_Col = 0;
        mail_Line++;
    }
    return c;
}

static void mail_FillBlock(void)
{
    u32 n = smtps_Mail.Size - mail_Done;
    if (n > MAIL_BLOCK)
        n = MAIL_BLOCK;
    if (smtps_Mail.Generated) {
        u32 i;
        for (i = 0; i < n; i++) {
            mail_Block[i] = mail_GenByte();
            mail_Done++;
        }
    } else {
        wm_memcpy(mail_Block, smtps_Mail.Text + mail_Done, n);
        mail_Done += n;
    }
    mail_BlockLen = n;
    mail_BlockOff = 0;
}

void smtps_MailResult(s32 Code)
{
    if (mail_ResultSet)
        return;
    mail_ResultSet = TRUE;
    mail_Result = Code;
    TRACE((1, "smtp_ssl: mail result %d", Code));
}

/* Everything is down: report. */
static void mail_Finish(void)
{
    ascii buf[32];
    if (mail_SessionLive || mail_NetLive || !smtps_Busy)
        return;
    if (mail_Watchdog != NULL) {
        adl_tmrUnSubscribe(mail_Watchdog, mail_WatchdogHandler, ADL_TMR_TYPE_100MS);
        mail_Watchdog = NULL;
    }
    if (!mail_ResultSet)
        smtps_MailResult(WIP_CERR_ABORTED);
    wm_sprintf(buf, "\r\n+SMTPSEND: %d\r\n", (int)mail_Result);
    TRACE((1, "smtp_ssl: mail over, result %d", mail_Result));
    smtps_Busy = FALSE;
    adl_atSendResponse(ADL_AT_PORT_TYPE(smtps_Mail.Port, ADL_AT_UNS), buf);
}

/* ---- data channel ---- */

static void mail_DataWrite(void)
{
    int n;
    while (mail_Data != NULL) {
        if (mail_BlockOff == mail_BlockLen) {
            if (mail_Done == smtps_Mail.Size) {
                TRACE((1, "smtp_ssl: body of %d bytes written, closing the data channel",
                       mail_Done));
                wip_close(mail_Data);
                mail_Data = NULL;
                smtps_BridgeEndOfMail();
                return;
            }
            mail_FillBlock();
        }
        n = wip_write(mail_Data, mail_Block + mail_BlockOff, mail_BlockLen - mail_BlockOff);
        if (n < 0) {
            TRACE((1, "smtp_ssl: data channel wip_write returned %d", n));
            smtps_MailResult(n);
            wip_close(mail_Data);
            mail_Data = NULL;
            return;
        }
        mail_BlockOff += (u32)n;
        if (mail_BlockOff < mail_BlockLen)
            return;                        /* short: the next WIP_CEV_WRITE goes on */
    }
}

static void mail_DataHandler(wip_event_t *Ev, void *Ctx)
{
    (void)Ctx;
    switch (Ev->kind) {
    case WIP_CEV_OPEN:
        TRACE((1, "smtp_ssl: DATA accepted, writing %d bytes", smtps_Mail.Size));
        break;
    case WIP_CEV_WRITE:
        mail_DataWrite();
        break;
    case WIP_CEV_ERROR:
        TRACE((1, "smtp_ssl: data channel error %d", (int)Ev->content.error.errnum));
        smtps_MailResult(Ev->content.error.errnum);
        if (mail_Data != NULL) {
            wip_close(mail_Data);
            mail_Data = NULL;
        }
        break;
    default:
        TRACE((2, "smtp_ssl: data channel event %d", Ev->kind));
        break;
    }
}

/* ---- SMTP session ---- */

static void mail_SessionClose(void)
{
    if (mail_Session == NULL)
        return;
    mail_Data = NULL;                      /* closing the session closes its data channel */
    wip_close(mail_Session);               /* QUIT */
    mail_Session = NULL;
}

static void mail_SessionHandler(wip_event_t *Ev, void *Ctx)
{
    u32 code = 0;
    ascii *text = NULL;
    (void)Ctx;
    switch (Ev->kind) {
    case WIP_CEV_OPEN:
        TRACE((1, "smtp_ssl: SMTP session open (greeting, EHLO, AUTH done)"));
        mail_Done = 0;
        mail_Line = 0;
        mail_Col = 0;
        mail_BlockLen = 0;
        mail_BlockOff = 0;
        mail_Data = wip_putFileOpts(mail_Session, NULL, mail_DataHandler, NULL,
                                    WIP_COPT_SMTP_SENDER, smtps_Cfg.Sender,
                                    WIP_COPT_SMTP_REC, smtps_Mail.To,
                                    WIP_COPT_SMTP_SUBJ, smtps_Mail.Subject, WIP_COPT_END);
        if (mail_Data == NULL) {
            TRACE((1, "smtp_ssl: wip_putFileOpts refused the request"));
            smtps_MailResult(WIP_CERR_INTERNAL);
            mail_SessionClose();
        }
        break;
    case WIP_CEV_DONE:
        TRACE((1, "smtp_ssl: mail accepted by the server"));
        smtps_MailResult(0);
        mail_SessionClose();
        break;
    case WIP_CEV_ERROR:
        wip_getOpts(Ev->channel, WIP_COPT_SMTP_STATUS_CODE, &code, &text, WIP_COPT_END);
        TRACE((1, "smtp_ssl: SMTP error %d, last reply code %d", (int)Ev->content.error.errnum,
               code));
        smtps_MailResult(Ev->content.error.errnum);
        mail_SessionClose();
        break;
    case WIP_CEV_PEER_CLOSE:
        TRACE((1, "smtp_ssl: SMTP connection closed"));
        smtps_MailResult(WIP_CERR_PIPE_BROKEN);
        mail_SessionClose();
        break;
    default:
        TRACE((2, "smtp_ssl: SMTP session event %d", Ev->kind));
        break;
    }
}

static void mail_SessionFinalizer(void *Ctx)
{
    (void)Ctx;
    TRACE((1, "smtp_ssl: SMTP session released"));
    mail_SessionLive = FALSE;
    mail_Finish();
}

/* From the bridge, on the TLS session's WIP_CEV_OPEN. */
void smtps_SmtpStart(void)
{
    mail_Session = wip_SMTPClientCreateOpts("127.0.0.1", mail_SessionHandler, NULL,
                                            WIP_COPT_PEER_PORT, (u16)SMTPS_LOCAL_PORT,
                                            WIP_COPT_USER, smtps_Cfg.User,
                                            WIP_COPT_PASSWORD, smtps_Cfg.Password,
                                            WIP_COPT_SMTP_AUTH_TYPE, WIP_SMTP_AUTH_CLEAR,
                                            WIP_COPT_FINALIZER, mail_SessionFinalizer,
                                            WIP_COPT_END);
    if (mail_Session == NULL) {
        TRACE((1, "smtp_ssl: wip_SMTPClientCreateOpts refused the request"));
        smtps_MailResult(WIP_CERR_INTERNAL);
        smtps_BridgeCloseAll();
        return;
    }
    mail_SessionLive = TRUE;
}

/* ---- stack, bearer, SSL library ---- */

static void mail_NetDown(void)
{
    s8 rc;
    if (mail_NetReady) {
        rc = wip_netExit();
        if (rc != 0)
            TRACE((1, "smtp_ssl: wip_netExit failed %d", rc));
        mail_NetReady = FALSE;
    }
    mail_NetLive = FALSE;
    mail_Finish();
}

static void mail_BearerGone(void)
{
    if (mail_Bearer != NULL) {
        s8 rc = wip_bearerClose(mail_Bearer);
        if (rc != 0)
            TRACE((1, "smtp_ssl: wip_bearerClose failed %d", rc));
        mail_Bearer = NULL;
    }
    mail_NetDown();
}

static void mail_BridgeUp(void)
{
    s8 rc = wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_FILE, smtps_Cfg.Ca,
                            WIP_COPT_VERIFY, WIP_SSL_ALWAYS, WIP_COPT_END);
    if (rc != 0) {
        TRACE((1, "smtp_ssl: wip_SSLInitOpts failed %d (CA file?)", rc));
        smtps_MailResult(rc < 0 ? rc : WIP_CERR_INVALID);
        mail_Teardown();
        return;
    }
    mail_SslReady = TRUE;
    mail_BridgeLive = smtps_BridgeStart();
    if (!mail_BridgeLive) {
        smtps_MailResult(WIP_CERR_RESOURCES);
        mail_Teardown();
    }
}

static void mail_BearerHandler(wip_bearer_t Br, s8 Event, void *Ctx)
{
    s8 cause = 0;
    (void)Ctx;
    switch (Event) {
    case WIP_BEV_IP_CONNECTED:
        TRACE((1, "smtp_ssl: GPRS bearer up"));
        mail_BridgeUp();
        break;
    case WIP_BEV_CONN_FAILED:
        wip_bearerGetOpts(Br, WIP_BOPT_ERROR, &cause, WIP_BOPT_END);
        TRACE((1, "smtp_ssl: GPRS bearer failed, cause %d", cause));
        smtps_MailResult(WIP_CERR_NETWORK_UNREACHABLE);
        mail_BearerGone();
        break;
    case WIP_BEV_STOPPED:
        TRACE((1, "smtp_ssl: GPRS bearer stopped"));
        mail_BearerGone();
        break;
    case WIP_BEV_IP_DISCONNECTED:
        TRACE((1, "smtp_ssl: GPRS bearer lost"));
        smtps_MailResult(WIP_CERR_NETWORK_UNREACHABLE);
        smtps_BridgeCloseAll();
        break;
    default:
        TRACE((2, "smtp_ssl: bearer event %d", Event));
        break;
    }
}

/* SSL library, bearer, stack, in that order. */
static void mail_Teardown(void)
{
    s8 rc;
    if (mail_SslReady) {
        rc = wip_SSLClose();
        if (rc != 0)
            TRACE((1, "smtp_ssl: wip_SSLClose failed %d", rc));
        mail_SslReady = FALSE;
    }
    if (mail_Bearer == NULL) {
        mail_NetDown();
        return;
    }
    rc = wip_bearerStop(mail_Bearer);
    if (rc == 0) {
        mail_BearerGone();                 /* stopped at once: no STOPPED event */
    } else if (rc != WIP_BERR_OK_INPROGRESS) {
        TRACE((1, "smtp_ssl: wip_bearerStop failed %d", rc));
        mail_BearerGone();
    }
}

/* The SSL client's finalizer (through the bridge). */
void smtps_BridgeGone(void)
{
    mail_BridgeLive = FALSE;
    mail_SessionClose();
    mail_Teardown();
}

static void mail_WatchdogHandler(u8 ID, void *Ctx)
{
    (void)ID;
    (void)Ctx;
    mail_Watchdog = NULL;
    TRACE((1, "smtp_ssl: the mail takes too long, giving up"));
    smtps_MailResult(WIP_CERR_TIMEOUT);
    mail_SessionClose();
    if (mail_BridgeLive)
        smtps_BridgeCloseAll();            /* the SSL finalizer tears down */
    else
        mail_Teardown();
}

void smtps_MailStart(void)
{
    s8 rc;
    mail_ResultSet = FALSE;
    mail_Result = 0;
    mail_SessionLive = FALSE;
    mail_NetLive = TRUE;
    TRACE((1, "smtp_ssl: new mail of %d bytes", smtps_Mail.Size));
    mail_Watchdog = adl_tmrSubscribe(FALSE, SMTPS_WATCHDOG_100MS, ADL_TMR_TYPE_100MS,
                                     mail_WatchdogHandler);
    rc = wip_netInit();
    if (rc != 0) {
        TRACE((1, "smtp_ssl: wip_netInit failed %d", rc));
        smtps_MailResult(WIP_CERR_INTERNAL);
        mail_NetDown();
        return;
    }
    mail_NetReady = TRUE;
    rc = wip_bearerOpen(&mail_Bearer, "GPRS", mail_BearerHandler, NULL);
    if (rc != 0) {
        TRACE((1, "smtp_ssl: wip_bearerOpen failed %d", rc));
        mail_Bearer = NULL;
        smtps_MailResult(WIP_CERR_INTERNAL);
        mail_NetDown();
        return;
    }
    wip_bearerSetOpts(mail_Bearer, WIP_BOPT_GPRS_APN, SMTPS_APN, WIP_BOPT_LOGIN, SMTPS_LOGIN,
                      WIP_BOPT_PASSWORD, SMTPS_PASSWORD, WIP_BOPT_END);
    rc = wip_bearerStart(mail_Bearer);
    if (rc == 0) {
        TRACE((1, "smtp_ssl: GPRS bearer up at once"));
        mail_BridgeUp();
    } else if (rc != WIP_BERR_OK_INPROGRESS) {
        TRACE((1, "smtp_ssl: wip_bearerStart failed %d", rc));
        smtps_MailResult(WIP_CERR_NETWORK_UNREACHABLE);
        mail_BearerGone();
    }
}
