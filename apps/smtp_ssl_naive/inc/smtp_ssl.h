/* smtp_ssl.h: shared declarations of smtp_ssl_naive, the SMTP-over-SSL sample written the
 * way application note 2170049's smtp.c was criticised on the forum (a while loop that
 * ignores short writes, a bridge that forwards without buffering and ignores -1). It works
 * for short mails and loses data above the 5840-byte channel buffers. Otherwise as smtp_ssl: the Internet library's SMTP client talks to a local WIP TCP
 * server on 127.0.0.1:SMTPS_LOCAL_PORT; the application bridges that connection to an
 * SSL client (implicit TLS) to the real server. Everything (stack, bearer, SSL library)
 * is set up for each mail and torn down afterwards. */
#ifndef SMTP_SSL_H
#define SMTP_SSL_H

#include "adl_global.h"
#include "wip.h"

/* Defaults, used until AT+SMTPCFG / AT+SMTPCA store other values in flash. */
#define SMTPS_DEF_SERVER    "smtp.example.com"
#define SMTPS_DEF_PORT      465
#define SMTPS_DEF_USER      "user"
#define SMTPS_DEF_PASSWORD  "password"
#define SMTPS_DEF_SENDER    "oatemu@example.com"
#define SMTPS_DEF_CA        "smtp_ca.pem"

#define SMTPS_APN           "internet"
#define SMTPS_LOGIN         ""
#define SMTPS_PASSWORD      ""

#define SMTPS_LOCAL_PORT    2525      /* the module-internal bridge port */
#define SMTPS_STR_MAX       64
#define SMTPS_PATH_MAX      128
#define SMTPS_TO_MAX        128
#define SMTPS_SUBJ_MAX      128
#define SMTPS_BODY_MAX      512       /* AT+SMTPSEND body text */
#define SMTPS_SIZE_MAX      16000000  /* AT+SMTPSENDN */
#define SMTPS_CREG_RETRY_100MS 20
#define SMTPS_WATCHDOG_100MS   6000   /* a mail gives up after 10 minutes */

#define SMTPS_FLASH_HANDLE  "SMTPN"
enum {
    SMTPS_FLH_SERVER = 0,
    SMTPS_FLH_PORT,
    SMTPS_FLH_USER,
    SMTPS_FLH_PASSWORD,
    SMTPS_FLH_SENDER,
    SMTPS_FLH_CA,
    SMTPS_FLH_COUNT
};

typedef struct {
    ascii Server[SMTPS_STR_MAX];
    u32 Port;
    ascii User[SMTPS_STR_MAX];
    ascii Password[SMTPS_STR_MAX];
    ascii Sender[SMTPS_STR_MAX];
    ascii Ca[SMTPS_PATH_MAX];
} smtps_cfg_t;

/* One mail: recipient, subject and either a text body or a generated one of Size bytes. */
typedef struct {
    ascii To[SMTPS_TO_MAX];
    ascii Subject[SMTPS_SUBJ_MAX];
    ascii Text[SMTPS_BODY_MAX];
    bool Generated;
    u32 Size;
    u8 Port;                          /* AT port that asked: gets the +SMTPSEND result */
} smtps_mail_t;

extern smtps_cfg_t smtps_Cfg;
extern smtps_mail_t smtps_Mail;
extern bool smtps_Registered;
extern bool smtps_Busy;

/* main.c */
void smtps_Task(void);
void smtps_MailRequest(void);
/* config.c */
void smtps_CfgLoad(void);
void smtps_CmdSubscribe(void);
/* mail.c: the SMTP session and the data channel; the per-mail set-up and teardown */
void smtps_MailStart(void);
void smtps_SmtpStart(void);
void smtps_MailResult(s32 Code);
void smtps_BridgeGone(void);
/* bridge.c: local TCP server <-> SSL client */
bool smtps_BridgeStart(void);
void smtps_BridgeCloseAll(void);
void smtps_BridgeEndOfMail(void);

#endif
