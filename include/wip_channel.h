/* wip_channel.h: the channel model shared by every WIP channel type (TCP, UDP, ping, SSL,
 * SMTP, HTTP, FTP): event kinds and structure, states, options, error codes and the common
 * calls. WIP_CERR_* values are the module's; option, state and most event numbers are
 * oatemu's choice (docs/decisions.md). */
#ifndef WIP_CHANNEL_H
#define WIP_CHANNEL_H

#include "wm_types.h"
#include "wip_bearer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wip_channel_ *wip_channel_t;
#ifndef WIP_CHANNEL_INVALID
#define WIP_CHANNEL_INVALID ((wip_channel_t)0)
#endif

/* Channel errors (negative; content.error.errnum and call results). */
#define WIP_CERR_ABORTED             (-1000)
#define WIP_CERR_CSTATE              (-999)
#define WIP_CERR_NOT_SUPPORTED       (-998)
#define WIP_CERR_OUT_OF_RANGE        (-997)
#define WIP_CERR_MEMORY              (-996)
#define WIP_CERR_INTERNAL            (-995)
#define WIP_CERR_INVALID             (-994)
#define WIP_CERR_DNS_FAILURE         (-993)
#define WIP_CERR_RESOURCES           (-992)
#define WIP_CERR_PORT_IN_USE         (-991)
#define WIP_CERR_REFUSED             (-990)
#define WIP_CERR_HOST_UNREACHABLE    (-989)
#define WIP_CERR_NETWORK_UNREACHABLE (-988)
#define WIP_CERR_PIPE_BROKEN         (-987)
#define WIP_CERR_TIMEOUT             (-986)

typedef enum {
    WIP_CEV_DONE = 0,        /* a protocol transaction finished (mail sent, file moved) */
    WIP_CEV_ERROR = 1,       /* content.error.errnum */
    WIP_CEV_OPEN = 2,
    WIP_CEV_PEER_CLOSE = 3,
    WIP_CEV_PING = 4,        /* content.ping */
    WIP_CEV_READ = 5,        /* content.read.readable */
    WIP_CEV_WRITE = 6,       /* content.write.writable */
    WIP_CEV_INVALID = 7,     /* an SSL session ended by the peer */
    WIP_CEV_LAST = WIP_CEV_INVALID
} wip_event_kind_t;

typedef enum {
    WIP_CSTATE_BUSY = 0,     /* opening or closing */
    WIP_CSTATE_READY = 1,
    WIP_CSTATE_TO_CLOSE = 2, /* the peer closed or an error occurred: call wip_close */
    WIP_CSTATE_LAST = WIP_CSTATE_TO_CLOSE
} wip_cstate_t;

typedef struct {
    wip_event_kind_t kind;
    wip_channel_t channel;   /* for a server's spawned connection: the new channel */
    union {
        struct { u32 readable; } read;
        struct { u32 writable; } write;
        struct { s32 errnum; } error;
        struct {
            bool timeout;    /* no reply within WIP_COPT_TIMEOUT */
            u16 packet_idx;  /* 1-based echo request number */
            u32 time;        /* round trip, milliseconds */
        } ping;
    } content;
} wip_event_t;

typedef void (*wip_eventHandler_f)(wip_event_t *ev, void *ctx);
typedef void (*wip_finalizer_f)(void *ctx);

/* Channel options: on set a value, on get a pointer (see the spec table; strings on get are
 * a buffer and its u16 size). WIP_COPT_END ends every list. */
typedef enum {
    WIP_COPT_END = 0,
    /* addresses and ports */
    WIP_COPT_PORT,              /* u16 / u16* */
    WIP_COPT_STRADDR,           /* get: ascii *buf, u16 len */
    WIP_COPT_ADDR,              /* get: wip_in_addr_t* */
    WIP_COPT_PEER_PORT,         /* u16 / u16* */
    WIP_COPT_PEER_STRADDR,      /* const ascii* / ascii *buf, u16 len */
    WIP_COPT_PEER_ADDR,         /* wip_in_addr_t / wip_in_addr_t* */
    WIP_COPT_BOUND,             /* get: bool* */
    /* buffers and TCP */
    WIP_COPT_SND_BUFSIZE,       /* u32 / u32* (536..65535, default 5840) */
    WIP_COPT_RCV_BUFSIZE,       /* u32 / u32* (536..65535, default 5840) */
    WIP_COPT_SND_LOWAT,         /* u32 / u32* (1..SND_BUFSIZE, default 1460) */
    WIP_COPT_RCV_LOWAT,         /* u32 / u32* (1..RCV_BUFSIZE, default 1) */
    WIP_COPT_NREAD,             /* get: u32* */
    WIP_COPT_NWRITE,            /* get: u32* free send space; ping: packet size */
    WIP_COPT_NODELAY,           /* bool / bool* */
    WIP_COPT_KEEPALIVE,         /* seconds, 0 = off / u32* */
    WIP_COPT_TTL,               /* 1..255 / u8* */
    WIP_COPT_TOS,               /* 0..255 / u8* */
    WIP_COPT_PEND_SRV_MAX,      /* TCP server: connections at once, 1..64 / u32* */
    WIP_COPT_ERROR,             /* get: s32* last error */
    WIP_COPT_FINALIZER,         /* wip_finalizer_f */
    /* ping */
    WIP_COPT_REPEAT,            /* u32 / u32*, default 1 */
    WIP_COPT_INTERVAL,          /* ms / u32*, default 2000 */
    WIP_COPT_TIMEOUT,           /* ms / u32*, default 2000 */
    /* session protocols (SMTP, FTP, POP3, HTTP) */
    WIP_COPT_USER,              /* const ascii* */
    WIP_COPT_PASSWORD,          /* const ascii* */
    WIP_COPT_TYPE,              /* FTP: 'A' or 'I' */
    WIP_COPT_PASSIVE,           /* FTP: bool */
    WIP_COPT_ACCOUNT,           /* FTP: const ascii* */
    /* security library (wip_ssl.h) */
    WIP_COPT_CERT_AUTHORITY,    /* trusted CA(s), PEM text (const ascii*) */
    WIP_COPT_VERIFY,            /* WIP_SSL_NEVER / WIP_SSL_OPTIONAL / WIP_SSL_ALWAYS */
    /* SMTP */
    WIP_COPT_SMTP_AUTH_TYPE,
    WIP_COPT_SMTP_SENDER,
    WIP_COPT_SMTP_SENDERNAME,
    WIP_COPT_SMTP_REC,
    WIP_COPT_SMTP_CC_REC,
    WIP_COPT_SMTP_BCC_REC,
    WIP_COPT_SMTP_SUBJ,
    WIP_COPT_SMTP_FORMAT_HEADER,
    WIP_COPT_SMTP_STATUS_CODE,
    /* HTTP */
    WIP_COPT_HTTP_HEADER,
    WIP_COPT_HTTP_VERSION,
    WIP_COPT_HTTP_METHOD,
    WIP_COPT_HTTP_DATA_ENCOD,
    WIP_COPT_HTTP_STATUS_CODE,
    WIP_COPT_HTTP_STATUS_REASON,
    /* security library, oatemu's names for what the spec leaves unknown (docs/decisions.md) */
    WIP_COPT_CERT_AUTHORITY_DER,  /* const u8 *der, u32 len */
    WIP_COPT_CERT_AUTHORITY_FILE, /* const ascii *path (PEM or DER) */
    WIP_COPT_SSL_HOSTNAME,      /* const ascii*: SNI and name checked (default: the peer name) */
    WIP_COPT_SSL_CLIENT_CERT,   /* const ascii*: PEM client certificate */
    WIP_COPT_SSL_CLIENT_KEY,    /* const ascii*: PEM private key of the client certificate */
    WIP_COPT_SSL_MIN_VERSION,   /* WIP_SSL_TLS_1_0 .. WIP_SSL_TLS_1_3 */
    WIP_COPT_SSL_CIPHERS,       /* const ascii*: OpenSSL cipher list (TLS 1.2 and below) */
    /* SMTP, oatemu's (wip_smtp.h) */
    WIP_COPT_SMTP_EHLO,         /* const ascii*: the name given in EHLO/HELO */
    WIP_COPT_SMTP_SECURITY,     /* session: WIP_SMTP_SEC_* */
    WIP_COPT_SMTP_CLEAR_AUTH,   /* session: bool, send credentials without TLS anyway */
    WIP_COPT_SMTP_PIPELINING,   /* session: bool, use PIPELINING when offered (default TRUE) */
    WIP_COPT_SMTP_CHUNKING,     /* session: bool, use BDAT when offered (default TRUE) */
    WIP_COPT_SMTP_VRFY,         /* session: const ascii*: VRFY it now (result: WIP_CEV_DONE) */
    WIP_COPT_SMTP_ETRN,         /* session: const ascii*: ETRN it now (result: WIP_CEV_DONE) */
    WIP_COPT_SMTP_REPLY_TO,     /* data: const ascii*: Reply-To header */
    WIP_COPT_SMTP_SIZE,         /* data: u32 declared message size (SIZE=) */
    WIP_COPT_SMTP_DSN_NOTIFY,   /* data: const ascii*: NOTIFY= of every recipient */
    WIP_COPT_SMTP_DSN_RET,      /* data: const ascii*: RET= ("FULL" or "HDRS") */
    WIP_COPT_SMTP_DSN_ENVID,    /* data: const ascii*: ENVID= */
    WIP_COPT_SMTP_ATTACH,       /* data: const ascii *filename, const ascii *mime_type,
                                   const void *bytes, u32 len: a base64 attachment (copied) */
    WIP_COPT_SMTP_MULTIPART,    /* data: bool, a MIME multipart mail (for ATTACH_BEGIN) */
    WIP_COPT_SMTP_ATTACH_BEGIN, /* data, open: const ascii *filename, const ascii *mime_type:
                                   what is written from now on is that attachment */
    /* FTP, oatemu's (wip_ftp.h) */
    WIP_COPT_FTP_STATUS_CODE,   /* session, data: get u32 *code, ascii **text: the last reply */
    WIP_COPT_FTP_SIZE,          /* session: get u32*: the size of the last wip_fileInfo */
    /* POP3, oatemu's (wip_pop3.h) */
    WIP_COPT_POP3_COUNT,        /* session: get u32*: messages in the mailbox (STAT at login) */
    WIP_COPT_POP3_MAILBOX_SIZE, /* session: get u32*: their octets (STAT at login) */
    WIP_COPT_POP3_DELETE,       /* data: bool, DELE the message once read whole (QUIT commits) */
    WIP_COPT_POP3_STATUS,       /* session: get ascii **text: the last reply's text */
    WIP_COPT_POP3_AUTH,         /* session: WIP_POP3_AUTH_* (with the create call) */
    WIP_COPT_POP3_SECURITY,     /* session: WIP_POP3_SEC_* (with the create call) */
    WIP_COPT_POP3_LIST,         /* session: get const u32 **sizes, u32 *n: LIST at login */
    WIP_COPT_POP3_UIDL,         /* session: get const ascii *const **ids, u32 *n: UIDL at login */
    /* HTTP, oatemu's (wip_http.h) */
    WIP_COPT_HTTP_USER_AGENT,   /* session: const ascii*: the User-Agent header */
    WIP_COPT_HTTP_PROXY_HOST,   /* session: const ascii*: http:// requests go through it */
    WIP_COPT_HTTP_PROXY_PORT,   /* session: u16 (default 8080) */
    WIP_COPT_HTTP_FOLLOW_REDIRECT, /* session or request: bool, follow 3xx (default FALSE) */
    WIP_COPT_LAST
} wip_channelOption_e;

int wip_read(wip_channel_t c, void *buf, u32 len);
int wip_readOpts(wip_channel_t c, void *buf, u32 len, ...);
int wip_write(wip_channel_t c, const void *buf, u32 len);
int wip_writeOpts(wip_channel_t c, const void *buf, u32 len, ...);
int wip_close(wip_channel_t c);
int wip_shutdown(wip_channel_t c, bool read, bool write);
int wip_abort(wip_channel_t c);
int wip_setOpts(wip_channel_t c, ...);
int wip_getOpts(wip_channel_t c, ...);
wip_cstate_t wip_getState(wip_channel_t c);
void wip_setCtx(wip_channel_t c, void *ctx);

/* Dotted-quad address helpers (wip_in_addr_t in network byte order). */
bool wip_inet_aton(const ascii *str, wip_in_addr_t *out);
bool wip_inet_ntoa(wip_in_addr_t addr, ascii *buf, u16 buflen);

#ifdef __cplusplus
}
#endif

#endif
