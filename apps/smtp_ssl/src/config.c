/* config.c: the configuration in flash objects and the AT commands.
 *   AT+SMTPCFG="server",port,"user","password","sender"   stored in flash
 *   AT+SMTPCA="<path of the root CA PEM>"                   stored in flash
 *   AT+SMTPSEND="<to>","<subject>","<body>"                 one mail
 *   AT+SMTPSENDN="<to>","<subject>",<N>                     one mail, generated N-byte body
 * The send commands answer OK at once; "+SMTPSEND: 0" (sent) or "+SMTPSEND: <code>" follows
 * when the mail is over (SMTP reply code, 1..3 SSL error, or a negative WIP_CERR_*). */
#include "adl_global.h"
#include "smtp_ssl.h"

smtps_cfg_t smtps_Cfg;
smtps_mail_t smtps_Mail;

static void smtps_LoadStr(u16 Id, ascii *Dst, u32 Max, const ascii *Def)
{
    s32 len = adl_flhExist(SMTPS_FLASH_HANDLE, Id);
    if (len > 0 && (u32)len < Max) {
        adl_flhRead(SMTPS_FLASH_HANDLE, Id, (u16)len, (u8 *)Dst);
        Dst[len] = 0;
    } else {
        wm_strcpy(Dst, Def);
    }
}

static void smtps_SaveStr(u16 Id, const ascii *Src)
{
    adl_flhWrite(SMTPS_FLASH_HANDLE, Id, (u16)wm_strlen(Src), (const u8 *)Src);
}

void smtps_CfgLoad(void)
{
    s8 rc = adl_flhSubscribe(SMTPS_FLASH_HANDLE, SMTPS_FLH_COUNT);
    if (rc != OK && rc != ADL_RET_ERR_ALREADY_SUBSCRIBED)
        TRACE((1, "smtp_ssl: adl_flhSubscribe failed %d", rc));
    smtps_LoadStr(SMTPS_FLH_SERVER, smtps_Cfg.Server, SMTPS_STR_MAX, SMTPS_DEF_SERVER);
    smtps_LoadStr(SMTPS_FLH_USER, smtps_Cfg.User, SMTPS_STR_MAX, SMTPS_DEF_USER);
    smtps_LoadStr(SMTPS_FLH_PASSWORD, smtps_Cfg.Password, SMTPS_STR_MAX, SMTPS_DEF_PASSWORD);
    smtps_LoadStr(SMTPS_FLH_SENDER, smtps_Cfg.Sender, SMTPS_STR_MAX, SMTPS_DEF_SENDER);
    smtps_LoadStr(SMTPS_FLH_CA, smtps_Cfg.Ca, SMTPS_PATH_MAX, SMTPS_DEF_CA);
    if (adl_flhExist(SMTPS_FLASH_HANDLE, SMTPS_FLH_PORT) == sizeof(u32))
        adl_flhRead(SMTPS_FLASH_HANDLE, SMTPS_FLH_PORT, sizeof(u32), (u8 *)&smtps_Cfg.Port);
    else
        smtps_Cfg.Port = SMTPS_DEF_PORT;
}

static void smtps_Ok(u8 Port)
{
    adl_atSendStdResponse(ADL_AT_PORT_TYPE(Port, ADL_AT_RSP), ADL_STR_OK);
}

static void smtps_Error(u8 Port)
{
    adl_atSendStdResponse(ADL_AT_PORT_TYPE(Port, ADL_AT_RSP), ADL_STR_ERROR);
}

/* Parameter i as a string shorter than Max (empty allowed when Empty), else NULL. */
static ascii *smtps_Param(adl_atCmdPreParser_t *Cmd, u8 I, u32 Max, bool Empty)
{
    ascii *p;
    if (Cmd->NbPara <= I)
        return NULL;
    p = ADL_GET_PARAM(Cmd, I);
    if (p == NULL || wm_strlen(p) >= Max || (!Empty && wm_strlen(p) == 0))
        return NULL;
    return p;
}

static void smtps_CfgHandler(adl_atCmdPreParser_t *Cmd)
{
    ascii buf[3 * SMTPS_STR_MAX + 48];
    ascii *server, *port, *user, *pass, *sender;
    u32 p;

    if (Cmd->Type == ADL_CMD_TYPE_READ) {
        wm_sprintf(buf, "\r\n+SMTPCFG: \"%s\",%u,\"%s\",\"%s\"\r\n", smtps_Cfg.Server,
                   (unsigned)smtps_Cfg.Port, smtps_Cfg.User, smtps_Cfg.Sender);
        adl_atSendResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_INT), buf);
        smtps_Ok(Cmd->Port);
        return;
    }
    if (Cmd->Type != ADL_CMD_TYPE_PARA) {
        smtps_Error(Cmd->Port);
        return;
    }
    server = smtps_Param(Cmd, 0, SMTPS_STR_MAX, FALSE);
    port = smtps_Param(Cmd, 1, 8, FALSE);
    user = smtps_Param(Cmd, 2, SMTPS_STR_MAX, TRUE);
    pass = smtps_Param(Cmd, 3, SMTPS_STR_MAX, TRUE);
    sender = smtps_Param(Cmd, 4, SMTPS_STR_MAX, FALSE);
    if (server == NULL || port == NULL || user == NULL || pass == NULL || sender == NULL ||
        !wm_isnumstring(port) || smtps_Busy) {
        TRACE((1, "smtp_ssl: AT+SMTPCFG: bad parameters or a mail is running"));
        smtps_Error(Cmd->Port);
        return;
    }
    p = wm_atoi(port);
    if (p < 1 || p > 65535) {
        smtps_Error(Cmd->Port);
        return;
    }
    wm_strcpy(smtps_Cfg.Server, server);
    smtps_Cfg.Port = p;
    wm_strcpy(smtps_Cfg.User, user);
    wm_strcpy(smtps_Cfg.Password, pass);
    wm_strcpy(smtps_Cfg.Sender, sender);
    smtps_SaveStr(SMTPS_FLH_SERVER, server);
    adl_flhWrite(SMTPS_FLASH_HANDLE, SMTPS_FLH_PORT, sizeof(u32), (u8 *)&smtps_Cfg.Port);
    smtps_SaveStr(SMTPS_FLH_USER, user);
    smtps_SaveStr(SMTPS_FLH_PASSWORD, pass);
    smtps_SaveStr(SMTPS_FLH_SENDER, sender);
    TRACE((1, "smtp_ssl: configuration stored, port %d", p));
    smtps_Ok(Cmd->Port);
}

/* The CA is given as a file path and handed to the Security library with
 * WIP_COPT_CERT_AUTHORITY_FILE: an emulator-friendly choice. On a real module the PEM text
 * would be stored in flash (or compiled in) and passed with WIP_COPT_CERT_AUTHORITY. */
static void smtps_CaHandler(adl_atCmdPreParser_t *Cmd)
{
    ascii buf[SMTPS_PATH_MAX + 24];
    ascii *path;
    if (Cmd->Type == ADL_CMD_TYPE_READ) {
        wm_sprintf(buf, "\r\n+SMTPCA: \"%s\"\r\n", smtps_Cfg.Ca);
        adl_atSendResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_INT), buf);
        smtps_Ok(Cmd->Port);
        return;
    }
    path = Cmd->Type == ADL_CMD_TYPE_PARA ? smtps_Param(Cmd, 0, SMTPS_PATH_MAX, FALSE) : NULL;
    if (path == NULL || smtps_Busy) {
        smtps_Error(Cmd->Port);
        return;
    }
    wm_strcpy(smtps_Cfg.Ca, path);
    smtps_SaveStr(SMTPS_FLH_CA, path);
    TRACE((1, "smtp_ssl: CA path stored"));
    smtps_Ok(Cmd->Port);
}

/* Common part of AT+SMTPSEND and AT+SMTPSENDN: recipient and subject. */
static bool smtps_SendCommon(adl_atCmdPreParser_t *Cmd)
{
    ascii *to, *subj;
    if (Cmd->Type != ADL_CMD_TYPE_PARA || smtps_Busy)
        return FALSE;
    to = smtps_Param(Cmd, 0, SMTPS_TO_MAX - 2, FALSE);
    subj = smtps_Param(Cmd, 1, SMTPS_SUBJ_MAX, TRUE);
    if (to == NULL || subj == NULL)
        return FALSE;
    /* WIP_COPT_SMTP_REC wants "<a@b>": add the brackets when they are missing */
    if (to[0] == '<')
        wm_strcpy(smtps_Mail.To, to);
    else
        wm_sprintf(smtps_Mail.To, "<%s>", to);
    wm_strcpy(smtps_Mail.Subject, subj);
    smtps_Mail.Port = Cmd->Port;
    return TRUE;
}

static void smtps_SendHandler(adl_atCmdPreParser_t *Cmd)
{
    ascii *body;
    if (!smtps_SendCommon(Cmd) ||
        (body = smtps_Param(Cmd, 2, SMTPS_BODY_MAX - 2, TRUE)) == NULL) {
        TRACE((1, "smtp_ssl: AT+SMTPSEND: bad parameters or a mail is running"));
        smtps_Error(Cmd->Port);
        return;
    }
    wm_sprintf(smtps_Mail.Text, "%s\r\n", body);
    smtps_Mail.Generated = FALSE;
    smtps_Mail.Size = wm_strlen(smtps_Mail.Text);
    smtps_Busy = TRUE;
    smtps_Ok(Cmd->Port);
    smtps_MailRequest();
}

static void smtps_SendNHandler(adl_atCmdPreParser_t *Cmd)
{
    ascii *size;
    u32 n;
    if (!smtps_SendCommon(Cmd) || (size = smtps_Param(Cmd, 2, 10, FALSE)) == NULL ||
        !wm_isnumstring(size)) {
        TRACE((1, "smtp_ssl: AT+SMTPSENDN: bad parameters or a mail is running"));
        smtps_Error(Cmd->Port);
        return;
    }
    n = wm_atoi(size);
    if (n < 2 || n > SMTPS_SIZE_MAX) {
        smtps_Error(Cmd->Port);
        return;
    }
    smtps_Mail.Generated = TRUE;
    smtps_Mail.Size = n;
    smtps_Busy = TRUE;
    smtps_Ok(Cmd->Port);
    smtps_MailRequest();
}

void smtps_CmdSubscribe(void)
{
    adl_atCmdSubscribe("AT+SMTPCFG", smtps_CfgHandler,
                       ADL_CMD_TYPE_PARA | ADL_CMD_TYPE_READ | 0x55);
    adl_atCmdSubscribe("AT+SMTPCA", smtps_CaHandler, ADL_CMD_TYPE_PARA | ADL_CMD_TYPE_READ | 0x11);
    adl_atCmdSubscribe("AT+SMTPSEND", smtps_SendHandler, ADL_CMD_TYPE_PARA | 0x33);
    adl_atCmdSubscribe("AT+SMTPSENDN", smtps_SendNHandler, ADL_CMD_TYPE_PARA | 0x33);
}
